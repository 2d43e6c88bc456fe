try:
    import nosuchmodule_for_conclab
except ModuleNotFoundError as e:
    print("ModuleNotFoundError:", e)
try:
    from heapq import no_such_function
except ImportError as e:
    print("ImportError:", type(e).__name__, "no_such_function" in str(e))
import decimal
