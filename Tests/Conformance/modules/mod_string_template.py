from string import Template
import string
t = string.Template("Hello $name, you owe $$${amt}")
print(t.substitute(name="Bob", amt=5), t.template)
print(Template("$who likes $what").substitute({"who": "tim", "what": "kung pao"}))
print(Template("$who likes $what").substitute({"who": "tim", "what": "x"}, what="y"))
print(Template("$who likes ${what}s and $").safe_substitute(who="ann"))
print(Template("${a}b $c_1d $1 $").safe_substitute(a=1, c_1d=2))
print(Template("$a $b ${a}").get_identifiers(), Template("$a $").is_valid(), Template("$$").is_valid())
for bad in ["line one\nok $ there", "$", "a ${1}", "${a"]:
    try:
        Template(bad).substitute(a=1)
    except ValueError as e:
        print("ValueError:", e)
try:
    Template("$missing here").substitute()
except KeyError as e:
    print("KeyError:", e)
Template("$x").substitute(y=1)
