# print(..., file=sys.stderr) goes to stderr: stdout keeps only what was printed there, in order.
import sys
print("first")
print("a warning", file=sys.stderr)
sys.stderr.write("written to stderr\n")
print("second", end="!\n")
print("x", "y", sep="-", file=sys.stdout)
print(file=sys.stderr)
print("last", flush=True)
