; Candidate logging calls: a method call whose name is one a logging API uses.
; Captures (tests/source/test_java_queries.py pins them):
;   @call      the whole method_invocation (its range is the statement's range)
;   @method    the method name
;   @receiver  the object the method is called on; absent for an unqualified call
;   @args      the argument_list
; Whether the receiver really is a logger is decided in Python, for these candidates only.
((method_invocation
   object: (_)? @receiver
   name: (identifier) @method
   arguments: (argument_list) @args) @call
 (#any-of? @method
   "trace" "debug" "info" "warn" "error" "fatal"
   "fine" "finer" "finest" "config" "severe" "warning"
   "log" "logp" "logrb" "printf"
   "tracef" "debugf" "infof" "warnf" "errorf" "fatalf"
   "tracev" "debugv" "infov" "warnv" "errorv" "fatalv"))
