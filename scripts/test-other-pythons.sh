#!/usr/bin/env bash
# `make test`, second part: the SQLite and no-database tests under every other CPython >= 3.11 found
# on this machine (python3.X on PATH and the pyenv versions), one venv each (.venv-3.X, with the test
# extra), with DeprecationWarning and SyntaxWarning raised as errors in pony's own modules (the
# filterwarnings of pyproject.toml). Usage: scripts/test-other-pythons.sh MAIN_PYTHON [PYTEST ARGS...]
# OTHER_PYTHONS="python3.12 /path/to/python3.13" replaces the search; OTHER_PYTHONS=none skips it.
set -uo pipefail
cd "$(dirname "$0")/.."
main_python=$1
shift

# Files left out under the extra interpreters: they test tools (mypy/pyright in a venv of their own,
# a package build) rather than the interpreter, and take most of the time.
SKIP_FILES=(tests/test_typing.py tests/test_packaging.py)

version_of() {  # "3.12" for a CPython >= 3.11, nothing otherwise
  "$1" -c 'import platform, sys
if platform.python_implementation() == "CPython" and sys.version_info >= (3, 11):
    print("%d.%d" % sys.version_info[:2])' 2>/dev/null
}

candidates() {
  if [[ -n "${OTHER_PYTHONS:-}" ]]; then
    [[ "$OTHER_PYTHONS" == none ]] || tr ' ' '\n' <<<"$OTHER_PYTHONS"
    return
  fi
  for minor in 11 12 13 14 15 16; do
    command -v "python3.$minor" 2>/dev/null
  done
  if command -v pyenv >/dev/null 2>&1; then
    for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[1-9]|[2-9][0-9])\.[0-9]+$' | sort -rV); do
      prefix=$(pyenv prefix "$version" 2>/dev/null) && echo "$prefix/bin/python3"
    done
  fi
}

main_version=$(version_of "$main_python")
declare -A chosen=()
order=()
while read -r python; do
  [[ -n "$python" ]] || continue
  version=$(version_of "$python") || continue
  [[ -n "$version" && "$version" != "$main_version" && -z "${chosen[$version]:-}" ]] || continue
  chosen[$version]=$python
  order+=("$version")
done < <(candidates)

if [[ ${#order[@]} -eq 0 ]]; then
  echo "other Pythons: none found besides $main_version (looked for python3.11-3.16 on PATH and pyenv versions)"
  exit 0
fi

ignores=()
for file in "${SKIP_FILES[@]}"; do ignores+=("--ignore=$file"); done
used=()
status=0
for version in $(printf '%s\n' "${order[@]}" | sort -V); do
  python=${chosen[$version]}
  venv=.venv-$version
  if [[ ! -f $venv/.installed || pyproject.toml -nt $venv/.installed ]]; then
    echo "== setting up $venv with $python"
    "$python" -m venv "$venv" && "$venv/bin/python" -m pip install -q --upgrade pip \
      && "$venv/bin/python" -m pip install -q -e '.[test]' && touch "$venv/.installed" \
      || { echo "could not set up $venv"; status=1; continue; }
  fi
  full=$("$venv/bin/python" -c 'import platform; print(platform.python_version())')
  echo "== CPython $full ($python): SQLite and no-database tests, warnings from pony as errors"
  start=$SECONDS
  PONY_BACKENDS=sqlite "$venv/bin/python" -m pytest -q -p no:cacheprovider "${ignores[@]}" "$@"
  code=$?
  # 5: the PYTEST_ARGS of `make test` selected no SQLite or no-database test here, which is no failure
  [[ $code -eq 0 || $code -eq 5 ]] || status=1
  used+=("CPython $full: $((SECONDS - start)) s")
done
echo "other Pythons used: $(IFS=,; echo "${used[*]}" | sed 's/,/, /g') (main run: CPython $main_version)"
exit $status
