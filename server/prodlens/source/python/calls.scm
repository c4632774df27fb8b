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
