package com.stateset.sandbox.server.plugin;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/** Wraps an extension so that every call into it runs with its plugin's class loader as the context loader. */
final class ContextClassLoaderProxy {

    private ContextClassLoaderProxy() {
    }

    static <T> T wrap(Class<T> type, T target, ClassLoader loader) {
        InvocationHandler handler = (proxy, method, args) -> {
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                thread.setContextClassLoader(previous);
            }
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }
}
