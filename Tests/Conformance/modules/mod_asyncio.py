import asyncio
print('asyncio imported')
