"""prodlens: a monitoring-aware language server.

Shows, above every log statement in the editor, how often it fired in production, and maps production log
lines back to the statement that wrote them. See docs/architecture.md for the flow of data.
"""

__version__ = "0.1.0"
