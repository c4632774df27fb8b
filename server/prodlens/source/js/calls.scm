; Candidate logging calls in JavaScript, TypeScript and TSX (the node types used here exist in all three
; grammars). Only member calls whose method name is one a logging library uses are captured; whether the
; receiver really is a logger is decided per candidate (receivers.py). Bare calls of `debug` instances
; (`debug("x")`) are found from the names the file binds, not by a query over every call.
;
; @call          the whole call (its range is the statement's range)
; @call.receiver the object the method is called on (`console`, `logger`, `request.log`, `debug`)
; @call.method   the method name (`info`, `warn`, `log`, ...; `apply`/`call` for `debug.apply(null, arguments)`)
; @call.args     the argument list

(call_expression
  function: (member_expression
    object: (_) @call.receiver
    property: (property_identifier) @call.method)
  arguments: (arguments) @call.args
  (#any-of? @call.method
    "log" "info" "debug" "warn" "warning" "error" "trace" "fatal" "silly" "verbose" "http" "notice"
    "crit" "critical" "alert" "emerg" "apply" "call")) @call

; `logger[level](msg)`, `console[method](...)`: the method is chosen at run time.
; @call.receiver the object indexed (judged like any receiver)
; @call.level    the index (a level name, or a parameter carrying one)
(call_expression
  function: (subscript_expression
    object: (_) @call.receiver
    index: (_) @call.level)
  arguments: (arguments) @call.args) @call
