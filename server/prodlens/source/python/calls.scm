; Candidate logging calls in Python. Only calls whose method name is one a logging framework uses are captured;
; whether the receiver really is a logger is decided per candidate (receivers.py), from what the file says.
;
; @call         the whole call (its range is the statement's range)
; @call.receiver the object the method is called on (`logger`, `self.log`, `logging`, `structlog.get_logger()`)
; @call.method  the method name (`info`, `exception`, `log`, ...)
; @call.args    the argument list

(call
  function: (attribute
    object: (_) @call.receiver
    attribute: (identifier) @call.method)
  arguments: (argument_list) @call.args
  (#any-of? @call.method
    "debug" "info" "warning" "warn" "error" "exception" "critical" "fatal" "log" "trace" "success" "msg"
    "adebug" "ainfo" "awarning" "awarn" "aerror" "aexception" "acritical" "afatal" "amsg" "alog")) @call

; `getattr(logger, level)(msg, *args)`: the method is chosen at run time (werkzeug's `_log`).
; @call.getattr  the `getattr` identifier
; @call.receiver its first argument (the logger)
; @call.level    its second argument (a level name, or a parameter carrying one)
(call
  function: (call
    function: (identifier) @call.getattr
    arguments: (argument_list . (_) @call.receiver . (_) @call.level .))
  arguments: (argument_list) @call.args
  (#eq? @call.getattr "getattr")) @call
