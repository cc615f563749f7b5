"""GLFW through ctypes, loaded as pyGLFW does."""

import ctypes
import ctypes.util

_glfw = ctypes.CDLL(ctypes.util.find_library("glfw"))
libc = ctypes.CDLL(ctypes.util.find_library("c"))
_glfw.glfwCreateWindow.restype = ctypes.c_void_p
_glfw.glfwCreateWindow.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p]
_glfw.glfwCreateStandardCursor.restype = ctypes.c_void_p
_glfw.glfwGetVersionString.restype = ctypes.c_char_p
_glfw.glfwGetMonitors.restype = ctypes.POINTER(ctypes.c_void_p)
_glfw.glfwGetMonitorName.restype = ctypes.c_char_p

_KEYFUN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int)
_ERRORFUN = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p)
_callbacks = {}


# INVALID

def window_leak(title):
    window = _glfw.glfwCreateWindow(640, 480, title, None, None)  # expect: OWN201:14
    if not window:
        return None
    _glfw.glfwMakeContextCurrent(window)
    return title


def window_used_after_destroy():
    window = _glfw.glfwCreateWindow(640, 480, b"x", None, None)
    if not window:
        return
    _glfw.glfwDestroyWindow(window)
    _glfw.glfwSwapBuffers(window)  # expect: OWN101:27


def cursor_destroyed_twice(window):
    cursor = _glfw.glfwCreateStandardCursor(0x00036001)
    _glfw.glfwSetCursor(window, cursor)
    _glfw.glfwDestroyCursor(cursor)
    _glfw.glfwDestroyCursor(cursor)  # expect: OWN102:5


def cursor_by_window_destroyer():
    cursor = _glfw.glfwCreateStandardCursor(0x00036001)
    _glfw.glfwDestroyWindow(cursor)  # expect: OWN104:5


def key_callback_dropped(window, handler):
    _glfw.glfwSetKeyCallback(window, _KEYFUN(handler))  # expect: OWN301:5


def error_callback_dropped(handler):
    _glfw.glfwSetErrorCallback(_ERRORFUN(handler))  # expect: OWN301:5


def monitor_name_freed(monitor):
    name = _glfw.glfwGetMonitorName(monitor)
    libc.free(name)  # expect: OWN103:5


def window_cast_used_after_destroy():
    window = _glfw.glfwCreateWindow(640, 480, b"x", None, None)
    if not window:
        return
    _glfw.glfwDestroyWindow(window)
    view = ctypes.cast(window, ctypes.c_void_p)
    _glfw.glfwSwapBuffers(view)  # expect: OWN101:27


# VALID

def window_destroyed_in_finally(title):
    window = _glfw.glfwCreateWindow(640, 480, title, None, None)
    if not window:
        raise RuntimeError("glfwCreateWindow failed")
    try:
        _glfw.glfwMakeContextCurrent(window)
        _glfw.glfwSwapBuffers(window)
    finally:
        _glfw.glfwDestroyWindow(window)


def create_window(title):
    return _glfw.glfwCreateWindow(640, 480, title, None, None)


def key_callback_kept(window, handler):
    callback = _KEYFUN(handler)
    _callbacks[window] = callback
    _glfw.glfwSetKeyCallback(window, callback)


def version():
    return _glfw.glfwGetVersionString().decode()


def monitors():
    count = ctypes.c_int(0)
    array = _glfw.glfwGetMonitors(ctypes.byref(count))
    return [array[i] for i in range(count.value)]


def window_address_as_key_after_destroy():
    # pyGLFW 2.11.0 `destroy_window`: the address of the destroyed window (re-typed,
    # not read through) removes its callbacks from a registry.
    window = _glfw.glfwCreateWindow(640, 480, b"x", None, None)
    if not window:
        return
    _glfw.glfwDestroyWindow(window)
    registry_key = ctypes.cast(window, ctypes.c_void_p)
    return registry_key


def window_address_read_through_its_holder_after_destroy():
    # pyGLFW 2.11.0 `destroy_window`: `pointer(window)` points to the Python object that
    # holds the pointer, so `.contents` reads the pointer's value, not the freed window.
    window = _glfw.glfwCreateWindow(640, 480, b"x", None, None)
    if not window:
        return 0
    _glfw.glfwDestroyWindow(window)
    window_addr = ctypes.cast(ctypes.pointer(window), ctypes.POINTER(ctypes.c_ulong)).contents.value
    return window_addr
