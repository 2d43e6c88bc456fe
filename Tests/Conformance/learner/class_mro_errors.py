class A:
    pass
class B(A):
    pass
class X: pass
class Y: pass
class P(X, Y): pass
class Q(Y, X): pass

def contradicting_orders():
    class Z(P, Q): pass

def same_base_twice():
    class W(X, X): pass

def base_before_its_subclass():
    class V(A, B): pass

def unrelated_layouts():
    class Both(OSError, AttributeError): pass

for define in (contradicting_orders, same_base_twice, base_before_its_subclass, unrelated_layouts):
    try:
        define()
    except TypeError as e:
        print(define.__name__ + ":", e)

class Fine(OSError, ValueError): pass
print([k.__name__ for k in Fine.__mro__])
print(issubclass(bool, int), issubclass(int, object), issubclass(A, (int, B)), issubclass(B, (int, A)))
for first, second in ((A(), A), (A, 3)):
    try:
        issubclass(first, second)
    except TypeError as e:
        print(e)
