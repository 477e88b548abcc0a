module github.com/stateset/sandbox/agent

go 1.26
