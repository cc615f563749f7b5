"""libudev through ctypes, loaded as pyudev loads it (`CDLL(find_library("udev"))`)."""

import ctypes
import ctypes.util
from ctypes import c_char_p, c_void_p

libudev = ctypes.CDLL(ctypes.util.find_library("udev"), use_errno=True)
for _name in ("udev_device_new_from_syspath", "udev_device_new_from_subsystem_sysname",
              "udev_device_new_from_devnum", "udev_device_ref", "udev_device_get_parent",
              "udev_monitor_new_from_netlink", "udev_monitor_ref"):
    getattr(libudev, _name).restype = c_void_p
libudev.udev_device_get_syspath.restype = c_char_p
libudev.udev_device_get_sysname.restype = c_char_p
libudev.udev_device_get_devnode.restype = c_void_p


# --- INVALID ---------------------------------------------------------------------------


def device_leaks(udev, path):
    device = libudev.udev_device_new_from_syspath(udev, path)  # expect: OWN201:14
    if not device:
        raise OSError(ctypes.get_errno())
    return libudev.udev_device_get_syspath(device)


def device_unref_twice(udev, path):
    device = libudev.udev_device_new_from_syspath(udev, path)
    if not device:
        return None
    libudev.udev_device_unref(device)
    libudev.udev_device_unref(device)  # expect: OWN102:5


def devnode_after_unref(udev):
    device = libudev.udev_device_new_from_subsystem_sysname(udev, b"block", b"sda")
    if not device:
        return None
    node = libudev.udev_device_get_devnode(device)
    libudev.udev_device_unref(device)
    return ctypes.string_at(node)  # expect: OWN106:29


def parent_unreferenced(device):
    parent = libudev.udev_device_get_parent(device)
    if parent:
        libudev.udev_device_unref(parent)  # expect: OWN103:9


def parent_after_child(udev, path):
    child = libudev.udev_device_new_from_syspath(udev, path)
    if not child:
        return None
    parent = libudev.udev_device_get_parent(child)
    libudev.udev_device_unref(child)
    return libudev.udev_device_get_sysname(parent)  # expect: OWN106:44


def monitor_released_as_device(udev):
    monitor = libudev.udev_monitor_new_from_netlink(udev, b"udev")
    if monitor:
        libudev.udev_device_unref(monitor)  # expect: OWN104:9


# --- VALID -----------------------------------------------------------------------------


def syspath(udev, path):
    device = libudev.udev_device_new_from_syspath(udev, path)
    if not device:
        return None
    try:
        return libudev.udev_device_get_syspath(device)  # c_char_p: copied to bytes
    finally:
        libudev.udev_device_unref(device)


def parent_kept(udev, path):
    child = libudev.udev_device_new_from_syspath(udev, path)
    if not child:
        return None
    parent = libudev.udev_device_get_parent(child)
    if parent:
        parent = libudev.udev_device_ref(parent)
    libudev.udev_device_unref(child)
    if not parent:
        return None
    name = libudev.udev_device_get_sysname(parent)
    libudev.udev_device_unref(parent)
    return name


class Monitor:
    def __init__(self, udev):
        self._monitor = libudev.udev_monitor_new_from_netlink(udev, b"udev")
        if not self._monitor:
            raise OSError(ctypes.get_errno())

    def fileno(self):
        return libudev.udev_monitor_get_fd(self._monitor)

    def __del__(self):
        libudev.udev_monitor_unref(self._monitor)


def shared_monitor(udev):
    monitor = libudev.udev_monitor_new_from_netlink(udev, b"kernel")
    if not monitor:
        return None
    other = libudev.udev_monitor_ref(monitor)
    libudev.udev_monitor_unref(monitor)
    return other


class Device:
    """pyudev's way: the wrapper holds the pointer as `_as_parameter_` and passes itself."""

    def __init__(self, udev, pointer):
        self._udev = udev
        self._as_parameter_ = pointer

    @classmethod
    def from_devnum(cls, udev, kind, number):
        device = libudev.udev_device_new_from_devnum(udev, kind, number)
        if not device:
            raise OSError(ctypes.get_errno())
        return cls(udev, device)

    def __del__(self):
        libudev.udev_device_unref(self)
