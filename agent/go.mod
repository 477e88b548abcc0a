module github.com/stateset/sandbox/agent

go 1.22

require github.com/creack/pty v1.1.24
