"""Python log statement extraction: `logging`, structlog, loguru, and logging wrappers."""
