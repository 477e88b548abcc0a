package com.example.sandbox.sink;

import com.stateset.sandbox.spi.PluginContext;
import com.stateset.sandbox.spi.events.EventSink;
import com.stateset.sandbox.spi.events.EventSinkFactory;
import java.nio.file.Path;
import org.pf4j.Extension;

/** Selected in the server's YAML by {@code events.sinks: [{type: jsonl-file, config: {path: ...}}]}. */
@Extension
public class JsonLinesSinkFactory implements EventSinkFactory<JsonLinesSinkConfig> {

    @Override
    public String name() {
        return "jsonl-file";
    }

    @Override
    public Class<JsonLinesSinkConfig> configClass() {
        return JsonLinesSinkConfig.class;
    }

    @Override
    public EventSink create(JsonLinesSinkConfig config, PluginContext context) {
        return new JsonLinesSink(Path.of(config.path()));
    }
}
