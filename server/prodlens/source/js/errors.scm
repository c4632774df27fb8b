; Syntax errors: counted and reported; statements in the parts that parse are still extracted.
; @error  a node the parser could not fit into the grammar
(ERROR) @error
