package protocol

// HelloMessage is the agent's first frame.
type HelloMessage struct {
	Agent    string `json:"agent"`
	Version  string `json:"version"`
	Protocol int    `json:"protocol"`
}

// ExecRequest starts a command: argv[0] is looked up on PATH, as the engine's exec does.
type ExecRequest struct {
	Argv []string          `json:"argv"`
	Env  map[string]string `json:"env,omitempty"`
	Dir  string            `json:"dir,omitempty"`
}

// SignalRequest sends a signal (by number) to a command's process group.
type SignalRequest struct {
	Signal int `json:"signal"`
}

// StartedMessage says a command runs, as which process (the leader of its own process group).
type StartedMessage struct {
	Pid int `json:"pid"`
}

// ExitMessage ends a stream: the command's exit code, or the signal that ended it (code -1).
type ExitMessage struct {
	Code   int `json:"code"`
	Signal int `json:"signal,omitempty"`
}

// ErrorMessage ends a stream that could not run (or, on stream 0, the channel).
type ErrorMessage struct {
	Message string `json:"message"`
}
