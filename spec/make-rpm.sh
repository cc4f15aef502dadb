#!/bin/sh
# make-rpm.sh - `make rpm`: the source tarball from this git checkout, then
# rpmbuild into $O/rpm/ (default build/rpm/), which ends up holding
#   esmith-c-VERSION-RELEASE.ARCH.rpm   the binary package
#   esmith-c-VERSION-RELEASE.src.rpm    the source package
# and work/ (rpmbuild's scratch directories).
#
# The tarball is `git archive` of HEAD when the checkout is clean. When it
# is not, the uncommitted state (changed and new files that .gitignore does
# not exclude) is packed instead, through a throw-away index, so the
# package always matches what `make install` installs from this checkout;
# the real index, HEAD and the working tree are left alone.
#
# The packages go into $RPMOUT instead when it is set. The Packager
# header comes from $RPM_PACKAGER (the builder's name, not the spec's).
#
# rpmbuild runs with --nodeps: the BuildRequires carry the Rocky/RHEL
# names (libtdb-devel, expat-devel, pcre2-devel), which Debian's rpm
# database does not know; the Debian equivalents come from
# tools/install-deps.sh.
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
spec=spec/esmith-c.spec
name=$(sed -n 's/^Name:[[:space:]]*//p' "$spec")
version=$(sed -n 's/^Version:[[:space:]]*//p' "$spec")

command -v rpmbuild >/dev/null 2>&1 || {
    echo "make rpm: rpmbuild not found (Debian: apt-get install rpm)" >&2
    exit 1
}
git rev-parse --git-dir >/dev/null 2>&1 || {
    echo "make rpm: not a git checkout; the tarball is made with git archive" >&2
    exit 1
}

# RPMOUT: another output directory (absolute), used by tests/pkg/rpm.sh.
top=${RPMOUT:-$(pwd)/$O/rpm}
rm -rf "$top"
mkdir -p "$top/work/SOURCES" "$top/work/BUILD" "$top/work/BUILDROOT"

if [ -z "$(git status --porcelain --untracked-files=normal)" ]; then
    treeish=HEAD
else
    echo "make rpm: packing the uncommitted state of the checkout" >&2
    idx=$top/work/index
    cp "$(git rev-parse --git-path index)" "$idx"
    GIT_INDEX_FILE=$idx git add -A
    treeish=$(GIT_INDEX_FILE=$idx git write-tree)
    rm -f "$idx"
fi
tarball=$top/work/SOURCES/$name-$version.tar.gz
git archive --format=tar.gz --prefix="$name-$version/" -o "$tarball" "$treeish"

# The packages themselves go straight into $top; everything else into work/.
rpmbuild -ba --nodeps \
    --define "_topdir $top/work" \
    --define "_sourcedir $top/work/SOURCES" \
    --define "_builddir $top/work/BUILD" \
    --define "_buildrootdir $top/work/BUILDROOT" \
    --define "_rpmdir $top" \
    --define "_srcrpmdir $top" \
    --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
    --define "packager ${RPM_PACKAGER:-esmith-c developers <esmith-c@localhost>}" \
    "$spec"
ls -l "$top"/*.rpm
