class Tool:
    @staticmethod
    def run(x):
        return x * 2


print(Tool.run(2), Tool().run(3))
Tool().run()
