"""LLVM's C API through ctypes (`CDLL("libLLVM-14.so")`)."""

import ctypes
from ctypes import POINTER, byref, c_char, c_void_p

llvm = ctypes.CDLL("libLLVM-14.so")
for _name in ("LLVMContextCreate", "LLVMModuleCreateWithNameInContext", "LLVMModuleCreateWithName",
              "LLVMCreateBuilderInContext", "LLVMCreatePassManager", "LLVMCreateTargetMachine",
              "LLVMCloneModule"):
    getattr(llvm, _name).restype = c_void_p
for _name in ("LLVMPrintModuleToString", "LLVMGetDefaultTargetTriple", "LLVMGetHostCPUName"):
    getattr(llvm, _name).restype = POINTER(c_char)  # keep the pointer: it must be disposed


# --- INVALID ---------------------------------------------------------------------------


def context_leaks():
    ctx = llvm.LLVMContextCreate()  # expect: OWN201:11
    return llvm.LLVMModuleCreateWithNameInContext(b"m", ctx)


def ir_leaks(module):
    text = llvm.LLVMPrintModuleToString(module)  # expect: OWN201:12
    return ctypes.string_at(text)


def message_freed_as_module(module):
    text = llvm.LLVMPrintModuleToString(module)
    llvm.LLVMDisposeModule(text)  # expect: OWN104:5


def module_after_dispose(ctx):
    module = llvm.LLVMModuleCreateWithNameInContext(b"m", ctx)
    llvm.LLVMDisposeModule(module)
    return llvm.LLVMPrintModuleToString(module)  # expect: OWN101:41


def module_disposed_after_engine_took_it(engine, ctx):
    module = llvm.LLVMModuleCreateWithNameInContext(b"m", ctx)
    llvm.LLVMAddModule(engine, module)
    llvm.LLVMDisposeModule(module)  # expect: OWN107:5


def builder_disposed_twice(ctx):
    builder = llvm.LLVMCreateBuilderInContext(ctx)
    llvm.LLVMDisposeBuilder(builder)
    llvm.LLVMDisposeBuilder(builder)  # expect: OWN102:5


def verify_message_leaks(module):
    message = POINTER(c_char)()
    llvm.LLVMVerifyModule(module, 2, byref(message))  # expect: OWN201:5
    return bool(message)


# --- VALID -----------------------------------------------------------------------------


def print_module():
    ctx = llvm.LLVMContextCreate()
    try:
        module = llvm.LLVMModuleCreateWithNameInContext(b"m", ctx)
        try:
            text = llvm.LLVMPrintModuleToString(module)
            try:
                return ctypes.string_at(text)
            finally:
                llvm.LLVMDisposeMessage(text)
        finally:
            llvm.LLVMDisposeModule(module)
    finally:
        llvm.LLVMContextDispose(ctx)


def engine_owns_module(ctx):
    module = llvm.LLVMModuleCreateWithNameInContext(b"m", ctx)
    engine = c_void_p()
    error = POINTER(c_char)()
    if llvm.LLVMCreateExecutionEngineForModule(byref(engine), module, byref(error)) != 0:
        llvm.LLVMDisposeModule(module)  # not taken on failure
        return None
    return engine


def host_triple():
    triple = llvm.LLVMGetDefaultTargetTriple()
    value = ctypes.string_at(triple)
    llvm.LLVMDisposeMessage(triple)
    return value


def verified(module):
    message = POINTER(c_char)()
    broken = llvm.LLVMVerifyModule(module, 2, byref(message))
    text = ctypes.string_at(message) if broken else b""
    llvm.LLVMDisposeMessage(message)
    return text


class PassManager:
    def __init__(self):
        self._pm = llvm.LLVMCreatePassManager()

    def run(self, module):
        return llvm.LLVMRunPassManager(self._pm, module)

    def close(self):
        llvm.LLVMDisposePassManager(self._pm)


def clone(module):
    copy = llvm.LLVMCloneModule(module)
    llvm.LLVMDisposeModule(module)
    return copy
