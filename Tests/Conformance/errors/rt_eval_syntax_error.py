total = eval("2 +* 3")
