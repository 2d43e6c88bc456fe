# sys.stdout.write returns the number of characters written and adds no newline; print and write share one stream.
import sys
n = sys.stdout.write("abc")
m = sys.stdout.write("\n")
print(n, m)
count = sys.stdout.write("héllo wörld\n")
print("count", count)
sys.stdout.writelines(["one\n", "two\n"])
sys.stdout.flush()
print("tab\there", "bell\x07end", sep="|")
print(sys.stdout.writable(), sys.stdout.name, sys.stderr.name)
try:
    sys.stdout.write(5)
except TypeError as e:
    print("TypeError:", e)
