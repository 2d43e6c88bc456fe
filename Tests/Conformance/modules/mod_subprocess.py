import subprocess
print(subprocess.run(['true']).returncode)
