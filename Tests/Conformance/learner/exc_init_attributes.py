class HTTPError(Exception):
    def __init__(self, status, reason):
        super().__init__(f"{status} {reason}")
        self.status = status
        self.reason = reason
errors = []
for status, reason in [(404, "Not Found"), (500, "Server Error")]:
    try:
        raise HTTPError(status, reason)
    except HTTPError as e:
        errors.append((e.status, e.reason, str(e), e.args))
print(errors)
class Chain(HTTPError):
    def __init__(self, status):
        super().__init__(status, "chained")
        self.extra = True
c = Chain(503)
print(c, c.args, c.status, c.extra, isinstance(c, HTTPError))
try:
    try:
        raise Chain(502)
    except HTTPError as inner:
        raise RuntimeError("wrapped") from inner
except RuntimeError as outer:
    print(outer, repr(outer.__cause__), outer.__cause__.status)
