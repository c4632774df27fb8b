; Syntax errors: counted and reported; statements in the parts that parse are still extracted.
; @error    a node the parser could not fit into the grammar
; @missing  a token the parser inserted to recover (a missing `)`)
(ERROR) @error
(MISSING) @missing
