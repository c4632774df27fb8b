; Syntax error nodes (counted; statements in the parts that parse are still extracted).
(ERROR) @error
