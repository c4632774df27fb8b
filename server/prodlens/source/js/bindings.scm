; Where a file brings in a logging library: `require("debug")`, `import pino from "pino"`, ...
; How each is used (called with a namespace, wrapped by `__importDefault`, destructured) is read from the
; node's parents in receivers.py.
;
; @require         a `require("module")` call
; @require.module  its module string
; @import          an ES import statement
; @import.module   its source string

(call_expression
  function: (identifier) @require.fn
  arguments: (arguments . (string) @require.module)
  (#eq? @require.fn "require")) @require

(import_statement
  source: (string) @import.module) @import
