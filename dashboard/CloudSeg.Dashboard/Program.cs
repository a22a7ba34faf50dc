// Placeholder entry point; the host is built by its issue.
return 0;
