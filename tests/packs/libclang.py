"""libclang through ctypes (`cdll.LoadLibrary("libclang.so")`, as clang's cindex.py loads it)."""

import ctypes
from ctypes import POINTER, byref, c_uint, c_void_p, cdll

lib = cdll.LoadLibrary("libclang.so")
for _name in ("clang_createIndex", "clang_parseTranslationUnit", "clang_createTranslationUnit",
              "clang_getDiagnostic", "clang_getDiagnosticInSet", "clang_loadDiagnostics",
              "clang_getChildDiagnostics", "clang_codeCompleteAt",
              "clang_CompilationDatabase_fromDirectory", "clang_CompilationDatabase_getCompileCommands"):
    getattr(lib, _name).restype = c_void_p

VISITOR = ctypes.CFUNCTYPE(c_uint, c_void_p, c_void_p, c_void_p)


def visit(cursor, parent, data):
    return 1


# --- INVALID ---------------------------------------------------------------------------


def index_leaks(path):
    index = lib.clang_createIndex(0, 0)  # expect: OWN201:13
    return lib.clang_parseTranslationUnit(index, path, None, 0, None, 0, 0)


def unit_used_after_dispose(index, path):
    tu = lib.clang_parseTranslationUnit(index, path, None, 0, None, 0, 0)
    if not tu:
        return None
    lib.clang_disposeTranslationUnit(tu)
    return lib.clang_getNumDiagnostics(tu)  # expect: OWN101:40


def diagnostic_leaks(tu):
    diag = lib.clang_getDiagnostic(tu, 0)  # expect: OWN201:12
    return lib.clang_getDiagnosticSeverity(diag)


def child_set_disposed(diag):
    children = lib.clang_getChildDiagnostics(diag)
    lib.clang_disposeDiagnosticSet(children)  # expect: OWN103:5


def tokens_leak(tu, extent):
    tokens = POINTER(c_void_p)()
    count = c_uint()
    lib.clang_tokenize(tu, extent, byref(tokens), byref(count))  # expect: OWN201:5
    return count.value


def unit_disposed_as_index(index, path):
    tu = lib.clang_createTranslationUnit(index, path)
    if tu:
        lib.clang_disposeIndex(tu)  # expect: OWN104:9


def unit2_leaks(index, path):
    tu = c_void_p()
    if lib.clang_parseTranslationUnit2(index, path, None, 0, None, 0, 0, byref(tu)) != 0:  # expect: OWN201:8
        return None
    return lib.clang_getNumDiagnostics(tu)


# --- VALID -----------------------------------------------------------------------------


def count_diagnostics(path):
    index = lib.clang_createIndex(0, 0)
    try:
        tu = lib.clang_parseTranslationUnit(index, path, None, 0, None, 0, 0)
        if not tu:
            return None
        try:
            total = 0
            for i in range(lib.clang_getNumDiagnostics(tu)):
                diag = lib.clang_getDiagnostic(tu, i)
                total += lib.clang_getDiagnosticSeverity(diag)
                lib.clang_disposeDiagnostic(diag)
            return total
        finally:
            lib.clang_disposeTranslationUnit(tu)
    finally:
        lib.clang_disposeIndex(index)


def token_count(tu, extent):
    tokens = POINTER(c_void_p)()
    count = c_uint()
    lib.clang_tokenize(tu, extent, byref(tokens), byref(count))
    try:
        return count.value
    finally:
        lib.clang_disposeTokens(tu, tokens, count)


def walk(cursor):
    lib.clang_visitChildren(cursor, VISITOR(visit), None)  # called during the call only


def compile_commands(directory, path):
    error = c_uint()
    db = lib.clang_CompilationDatabase_fromDirectory(directory, byref(error))
    if not db:
        return 0
    try:
        commands = lib.clang_CompilationDatabase_getCompileCommands(db, path)
        if not commands:
            return 0
        size = lib.clang_CompileCommands_getSize(commands)
        lib.clang_CompileCommands_dispose(commands)
        return size
    finally:
        lib.clang_CompilationDatabase_dispose(db)


class TranslationUnit:
    def __init__(self, index, path):
        tu = c_void_p()
        if lib.clang_parseTranslationUnit2(index, path, None, 0, None, 0, 0, byref(tu)) != 0:
            raise RuntimeError(path)
        self._tu = tu

    def diagnostics(self):
        return lib.clang_getNumDiagnostics(self._tu)

    def __del__(self):
        lib.clang_disposeTranslationUnit(self._tu)


def completion(tu, path):
    results = lib.clang_codeCompleteAt(tu, path, 1, 1, None, 0, 0)
    if not results:
        return None
    lib.clang_disposeCodeCompleteResults(results)
    return path
