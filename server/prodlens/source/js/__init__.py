"""JavaScript / TypeScript / TSX log statement extraction: console, debug, pino (Fastify), winston, bunyan,
log4js, and logging wrappers (including modules that forward their arguments to a logger)."""
