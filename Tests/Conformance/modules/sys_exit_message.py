# sys.exit("words") ends the program with status 1 and the words on stderr.
import sys
print("checking input")
sys.exit("fatal: the input was empty")
