"""libgit2 through a compiled cffi module, as pygit2 binds it (`from ._libgit2 import ffi, lib`):
handles come back through `T **` out-parameters (0 on success) and go to git_*_free."""

from ._libgit2 import ffi, lib as C


class GitError(Exception):
    pass


def check_error(err):
    if err < 0:
        raise GitError(err)


# --- INVALID ---------------------------------------------------------------------------


def open_leaks(path):
    crepo = ffi.new("git_repository **")
    err = C.git_repository_open(crepo, path)  # expect: OWN201:11
    check_error(err)
    return ffi.string(C.git_repository_path(crepo[0]))


def commit_freed_twice(repo, oid):
    ccommit = ffi.new("git_commit **")
    if C.git_commit_lookup(ccommit, repo, oid) != 0:
        return None
    message = ffi.string(C.git_commit_message(ccommit[0]))
    C.git_commit_free(ccommit[0])
    C.git_object_free(ccommit[0])  # expect: OWN102:5
    return message


def message_after_free(repo, oid):
    ccommit = ffi.new("git_commit **")
    check_error(C.git_commit_lookup(ccommit, repo, oid))
    commit = ccommit[0]
    message = C.git_commit_message(commit)
    C.git_commit_free(commit)
    return ffi.string(message)  # expect: OWN106:23


def entry_after_tree_free(repo, oid):
    ctree = ffi.new("git_tree **")
    check_error(C.git_tree_lookup(ctree, repo, oid))
    entry = C.git_tree_entry_byindex(ctree[0], 0)
    C.git_tree_free(ctree[0])
    return ffi.string(C.git_tree_entry_name(entry))  # expect: OWN106:45


def borrowed_entry_freed(index):
    entry = C.git_index_get_byindex(index, 0)
    C.git_tree_entry_free(entry)  # expect: OWN103:5


def reference_freed_as_object(repo):
    cref = ffi.new("git_reference **")
    check_error(C.git_repository_head(cref, repo))
    name = ffi.string(C.git_reference_name(cref[0]))
    C.git_object_free(cref[0])  # expect: OWN104:5
    return name


def remote_leaks_on_error(repo, name):
    cremote = ffi.new("git_remote **")
    check_error(C.git_remote_lookup(cremote, repo, name))  # expect: OWN202:17
    url = C.git_remote_url(cremote[0])
    if url == ffi.NULL:
        return None  # the remote leaks on this path
    text = ffi.string(url)
    C.git_remote_free(cremote[0])
    return text


def index_used_after_free(repo):
    cindex = ffi.new("git_index **")
    check_error(C.git_repository_index(cindex, repo))
    C.git_index_free(cindex[0])
    return C.git_index_entrycount(cindex[0])  # expect: OWN101:35


def error_freed():
    err = C.git_error_last()
    C.git_config_entry_free(err)  # expect: OWN103:5


def config_entry_leaks(cfg, name):
    centry = ffi.new("git_config_entry **")
    err = C.git_config_get_entry(centry, cfg, name)  # expect: OWN201:11
    check_error(err)
    return ffi.string(centry[0].value)


def refspecs_never_disposed(remote):
    specs = ffi.new("git_strarray *")
    err = C.git_remote_get_fetch_refspecs(specs, remote)  # expect: OWN201:11
    check_error(err)
    return [ffi.string(specs.strings[i]) for i in range(specs.count)]


def names_disposed_twice(repo):
    names = ffi.new("git_strarray *")
    check_error(C.git_remote_list(names, repo))
    count = names.count
    C.git_strarray_dispose(names)
    C.git_strarray_free(names)  # expect: OWN102:5
    return count


class ConfigEntry:
    @classmethod
    def _from_c(cls, ptr, iterator=None):
        entry = cls.__new__(cls)
        entry._entry = ptr
        entry._iterator = iterator
        return entry


class ConfigIterator:
    def __init__(self, ptr):
        self._iter = ptr

    def __del__(self):
        C.git_config_iterator_free(self._iter)

    def _next_entry(self):
        centry = ffi.new("git_config_entry **")
        check_error(C.git_config_next(centry, self._iter))
        return ConfigEntry._from_c(centry[0])  # expect: OWN106:16

    def _next_entry_kept(self):
        # The entry keeps its iterator (and so the entry's owner) alive.
        centry = ffi.new("git_config_entry **")
        check_error(C.git_config_next(centry, self._iter))
        return ConfigEntry._from_c(centry[0], self)


# --- VALID -----------------------------------------------------------------------------


def open_and_free(path):
    crepo = ffi.new("git_repository **")
    err = C.git_repository_open(crepo, path)
    check_error(err)
    try:
        return ffi.string(C.git_repository_path(crepo[0]))
    finally:
        C.git_repository_free(crepo[0])


def failed_open_owns_nothing(path):
    crepo = ffi.new("git_repository **")
    if C.git_repository_open(crepo, path) < 0:
        return None
    repo = crepo[0]
    C.git_repository_free(repo)
    return path


def commit_freed_as_object(repo, oid):
    ccommit = ffi.new("git_commit **")
    check_error(C.git_commit_lookup(ccommit, repo, oid))
    message = ffi.string(C.git_commit_message(ccommit[0]))
    C.git_object_free(ccommit[0])  # a commit is a git_object
    return message


def managed_by_gc(repo, oid):
    cblob = ffi.new("git_blob **")
    check_error(C.git_blob_lookup(cblob, repo, oid))
    return ffi.gc(cblob[0], C.git_blob_free)


class Remote:
    def __init__(self, repo, name):
        cremote = ffi.new("git_remote **")
        check_error(C.git_remote_lookup(cremote, repo, name))
        self._remote = cremote[0]

    @property
    def url(self):
        return ffi.string(C.git_remote_url(self._remote))

    def __del__(self):
        C.git_remote_free(self._remote)


def config_iteration(cfg):
    # git_config_next's entries belong to the iterator: they are not freed one by one
    # (neither the iterator nor its entries are described: see the pack).
    citer = ffi.new("git_config_iterator **")
    check_error(C.git_config_iterator_new(citer, cfg))
    centry = ffi.new("git_config_entry **")
    names = []
    try:
        while C.git_config_next(centry, citer[0]) == 0:
            names.append(ffi.string(centry[0].name))
    finally:
        C.git_config_iterator_free(citer[0])
    return names


def entry_copied_before_tree_free(repo, oid):
    ctree = ffi.new("git_tree **")
    check_error(C.git_tree_lookup(ctree, repo, oid))
    try:
        entry = C.git_tree_entry_byname(ctree[0], b"README")
        cdup = ffi.new("git_tree_entry **")
        check_error(C.git_tree_entry_dup(cdup, entry))
    finally:
        C.git_tree_free(ctree[0])
    name = ffi.string(C.git_tree_entry_name(cdup[0]))
    C.git_tree_entry_free(cdup[0])
    return name


def walk(repo):
    cwalk = ffi.new("git_revwalk **")
    check_error(C.git_revwalk_new(cwalk, repo))
    oid = ffi.new("git_oid *")
    count = 0
    try:
        C.git_revwalk_push_head(cwalk[0])
        while C.git_revwalk_next(oid, cwalk[0]) == 0:
            count += 1
    finally:
        C.git_revwalk_free(cwalk[0])
    return count


def strarray_disposed(remote):
    # libgit2 fills the caller's git_strarray; git_strarray_dispose frees the strings
    # through the same pointer (not the struct, Python's memory).
    specs = ffi.new("git_strarray *")
    check_error(C.git_remote_get_fetch_refspecs(specs, remote))
    try:
        return [ffi.string(specs.strings[i]) for i in range(specs.count)]
    finally:
        C.git_strarray_dispose(specs)


def strarray_to_strings(arr):
    # Disposes what its caller's call filled: a helper that releases its argument.
    try:
        return [ffi.string(arr.strings[i]) for i in range(arr.count)]
    finally:
        C.git_strarray_dispose(arr)


def tags(repo):
    names = ffi.new("git_strarray *")
    check_error(C.git_tag_list(names, repo))
    return strarray_to_strings(names)


def reference_names(repo, strarray):
    # A struct made elsewhere (a parameter, a context manager's): its maker disposes it.
    check_error(C.git_reference_list(strarray, repo))
    return strarray.count


def empty_strarray_disposed():
    names = ffi.new("git_strarray *")  # never filled: disposing it frees nothing
    C.git_strarray_dispose(names)
