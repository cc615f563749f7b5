"""libusb-1.0 through ctypes, as python-libusb1 and pyusb load it."""

import ctypes
import ctypes.util
from ctypes import POINTER, byref, c_int, c_void_p

lib = ctypes.CDLL(ctypes.util.find_library("usb-1.0"))
libc = ctypes.CDLL(ctypes.util.find_library("c"))
lib.libusb_get_device.restype = c_void_p
lib.libusb_ref_device.restype = c_void_p
lib.libusb_open_device_with_vid_pid.restype = c_void_p
lib.libusb_alloc_transfer.restype = c_void_p
lib.libusb_error_name.restype = ctypes.c_char_p
lib.libusb_strerror.restype = ctypes.c_char_p
lib.libusb_get_pollfds.restype = POINTER(c_void_p)
lib.libusb_dev_mem_alloc.restype = c_void_p

HOTPLUG = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, c_int, c_void_p)
LOG = ctypes.CFUNCTYPE(None, c_void_p, c_int, ctypes.c_char_p)


def on_hotplug(ctx, device, event, data):
    return 0


def on_log(ctx, level, message):
    print(message)


# --- INVALID ---------------------------------------------------------------------------


def context_leaks():
    ctx = c_void_p()
    if lib.libusb_init_context(byref(ctx), None, 0) != 0:  # expect: OWN201:8
        raise OSError
    return lib.libusb_get_bus_number(ctx)


def handle_used_after_close(ctx):
    handle = lib.libusb_open_device_with_vid_pid(ctx, 0x1234, 0x5678)
    if not handle:
        raise OSError
    lib.libusb_close(handle)
    return lib.libusb_claim_interface(handle, 0)  # expect: OWN101:39


def vid_pid_leaks(ctx):
    handle = lib.libusb_open_device_with_vid_pid(ctx, 0x1234, 0x5678)  # expect: OWN201:14
    if not handle:
        return None
    return lib.libusb_claim_interface(handle, 0)


def borrowed_device_unreferenced(handle):
    device = lib.libusb_get_device(handle)
    lib.libusb_unref_device(device)  # expect: OWN103:5


def device_after_handle_closed(handle):
    device = lib.libusb_get_device(handle)
    lib.libusb_close(handle)
    return lib.libusb_get_bus_number(device)  # expect: OWN106:38


def transfer_leaks(handle):
    transfer = lib.libusb_alloc_transfer(0)  # expect: OWN201:16
    if not transfer:
        raise MemoryError
    return lib.libusb_submit_transfer(transfer)


def error_name_freed(code):
    name = lib.libusb_error_name(code)
    libc.free(name)  # expect: OWN103:5


def transfer_freed_as_handle(transfer):
    t = lib.libusb_alloc_transfer(0)
    lib.libusb_close(t)  # expect: OWN104:5


def hotplug_callback_dies(ctx):
    handle = c_int()
    lib.libusb_hotplug_register_callback(ctx, 1, 0, -1, -1, -1, HOTPLUG(on_hotplug), None, byref(handle))  # expect: OWN301:5


# --- VALID -----------------------------------------------------------------------------


def listed_devices(ctx):
    # libusb_get_device_list / libusb_open are not described (see the pack): quiet.
    devices = POINTER(c_void_p)()
    count = lib.libusb_get_device_list(ctx, byref(devices))
    if count < 0:
        raise OSError(count)
    handle = c_void_p()
    if count and lib.libusb_open(devices[0], byref(handle)) == 0:
        lib.libusb_close(handle)
    lib.libusb_free_device_list(devices, 1)
    return count


def context_released():
    ctx = c_void_p()
    if lib.libusb_init_context(byref(ctx), None, 0) < 0:
        raise OSError
    try:
        return lib.libusb_get_bus_number(ctx)
    finally:
        lib.libusb_exit(ctx)


def default_context():
    # NULL: the default context, nothing to release here.
    return lib.libusb_init_context(None, None, 0)


def keep_device(handle):
    device = lib.libusb_get_device(handle)
    device = lib.libusb_ref_device(device)
    lib.libusb_close(handle)
    number = lib.libusb_get_bus_number(device)
    lib.libusb_unref_device(device)
    return number


class Transfer:
    def __init__(self, handle):
        self._transfer = lib.libusb_alloc_transfer(0)
        if not self._transfer:
            raise MemoryError

    def submit(self):
        return lib.libusb_submit_transfer(self._transfer)

    def close(self):
        if self._transfer is not None:
            lib.libusb_free_transfer(self._transfer)
            self._transfer = None

    __del__ = close


def pollfds(ctx):
    fds = lib.libusb_get_pollfds(ctx)
    if not fds:
        return []
    try:
        return [fds[0]]
    finally:
        lib.libusb_free_pollfds(fds)


def strerror(code):
    return lib.libusb_strerror(code).decode()


class Context:
    def __init__(self):
        ctx = c_void_p()
        if lib.libusb_init_context(byref(ctx), None, 0) != 0:
            raise OSError
        self._ctx = ctx
        self._log = LOG(on_log)
        lib.libusb_set_log_cb(self._ctx, self._log, 2)

    def close(self):
        lib.libusb_exit(self._ctx)


def dev_mem(handle, size):
    buf = lib.libusb_dev_mem_alloc(handle, size)
    if not buf:
        return None
    try:
        return lib.libusb_bulk_transfer(handle, 0x81, buf, size, None, 0)
    finally:
        lib.libusb_dev_mem_free(handle, buf, size)
