class Task:
    def __init__(self, priority, name):
        self.priority = priority
        self.name = name
    def __lt__(self, other):
        return self.priority < other.priority
    def __eq__(self, other):
        return self.priority == other.priority
    def __repr__(self):
        return f"Task({self.priority}, {self.name!r})"

tasks = [Task(3, "write"), Task(1, "read"), Task(2, "think")]
print(sorted(tasks))
print(min(tasks), max(tasks))
print(Task(1, "a") < Task(2, "b"), Task(2, "a") > Task(1, "b"), Task(1, "a") == Task(1, "z"))
print(sorted(tasks, reverse=True)[0].name)
