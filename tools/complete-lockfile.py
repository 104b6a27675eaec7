#!/usr/bin/env python3
"""
Adds lockfile entries for platform-specific optional packages that the registry this project
is built against does not serve (its packuments lack e.g. the darwin/win32 DuckDB bindings),
so npm leaves them out of package-lock.json and then `npm ci` refuses the lockfile
("Missing: … from lock file"). The entries carry version, os and cpu only: npm skips them on
other platforms and resolves them from the registry where they apply.

Run after any `npm install` that rewrites package-lock.json:  python3 tools/complete-lockfile.py
"""
import json, re, sys
p = sys.argv[1] if len(sys.argv) > 1 else 'package-lock.json'
lock = json.load(open(p))
pk = lock['packages']
added = []
def platform(name):
    os_ = 'darwin' if 'darwin' in name else 'win32' if 'win32' in name else 'linux'
    cpu = 'arm64' if 'arm64' in name else 'x64' if 'x64' in name else 'arm' if name.endswith('-arm') else None
    return os_, cpu
for path, meta in list(pk.items()):
    for dep, ver in (meta.get('optionalDependencies') or {}).items():
        key = f'node_modules/{dep}'
        if key in pk: continue
        os_, cpu = platform(dep)
        entry = {'version': ver, 'cpu': [cpu], 'optional': True, 'os': [os_]}
        if meta.get('dev'): entry['dev'] = True
        if 'musl' in dep: entry['libc'] = ['musl']
        elif os_ == 'linux': entry['libc'] = ['glibc']
        pk[key] = entry
        added.append(f'{dep}@{ver}')
lock['packages'] = dict(sorted(pk.items(), key=lambda kv: (kv[0] != '', kv[0])))
json.dump(lock, open(p, 'w'), indent=2, ensure_ascii=False)
open(p, 'a').write('\n')
print('\n'.join(added))
