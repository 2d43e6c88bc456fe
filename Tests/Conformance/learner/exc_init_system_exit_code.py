import sys
class Done(SystemExit):
    def __init__(self, failures):
        super().__init__(1 if failures else 0)
        self.failures = failures
try:
    raise Done(["a"])
except SystemExit as e:
    print("code", e.code, e.failures)
print("exiting with", Done([]).code)
# A code of 0 (set by __init__, not the list the class was called with) ends the program as success.
raise Done([])
