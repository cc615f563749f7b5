"""Win32 GDI, user32 and kernel32 through ctypes.windll / WinDLL, as mss and pyglet do."""

import ctypes
from ctypes import wintypes

user32 = ctypes.WinDLL("user32")
gdi32 = ctypes.WinDLL("gdi32")
kernel32 = ctypes.windll.kernel32
user32.GetWindowDC.restype = wintypes.HDC
user32.GetDC.restype = wintypes.HDC
gdi32.CreateCompatibleDC.restype = wintypes.HDC
gdi32.CreateCompatibleBitmap.restype = wintypes.HBITMAP
gdi32.GetStockObject.restype = wintypes.HGDIOBJ
kernel32.GlobalAlloc.restype = wintypes.HGLOBAL
kernel32.GlobalLock.restype = ctypes.c_void_p
kernel32.OpenProcess.restype = wintypes.HANDLE
kernel32.LocalAlloc.restype = wintypes.HLOCAL


# INVALID

def window_dc_leak(hwnd):
    hdc = user32.GetWindowDC(hwnd)  # expect: OWN201:11
    if not hdc:
        raise ctypes.WinError()
    return gdi32.GetDeviceCaps(hdc, 88)


def window_dc_deleted(hwnd):
    hdc = user32.GetWindowDC(hwnd)
    gdi32.DeleteDC(hdc)  # expect: OWN104:5


def bitmap_leak_on_error(hdc, width, height):
    memdc = gdi32.CreateCompatibleDC(hdc)
    bitmap = gdi32.CreateCompatibleBitmap(hdc, width, height)  # expect: OWN202:14
    try:
        old = gdi32.SelectObject(memdc, bitmap)
        if not gdi32.BitBlt(memdc, 0, 0, width, height, hdc, 0, 0, 0x00CC0020):
            raise ctypes.WinError()
        gdi32.SelectObject(memdc, old)
        gdi32.DeleteObject(bitmap)
    finally:
        gdi32.DeleteDC(memdc)


def stock_object_deleted():
    brush = gdi32.GetStockObject(0)
    gdi32.DeleteObject(brush)  # expect: OWN103:5


def process_handle_closed_twice(pid):
    handle = kernel32.OpenProcess(0x1000, False, pid)
    if not handle:
        return
    kernel32.CloseHandle(handle)
    kernel32.CloseHandle(handle)  # expect: OWN102:5


def local_freed_as_global():
    block = kernel32.LocalAlloc(0, 64)
    kernel32.GlobalFree(block)  # expect: OWN104:5


# VALID

def screen_depth():
    hdc = user32.GetDC(None)
    try:
        return gdi32.GetDeviceCaps(hdc, 12)
    finally:
        user32.ReleaseDC(None, hdc)


def grab(hwnd, width, height):
    srcdc = user32.GetWindowDC(hwnd)
    memdc = gdi32.CreateCompatibleDC(srcdc)
    bitmap = gdi32.CreateCompatibleBitmap(srcdc, width, height)
    try:
        old = gdi32.SelectObject(memdc, bitmap)
        gdi32.BitBlt(memdc, 0, 0, width, height, srcdc, 0, 0, 0x00CC0020)
        gdi32.SelectObject(memdc, old)
    finally:
        gdi32.DeleteObject(bitmap)
        gdi32.DeleteDC(memdc)
        user32.ReleaseDC(hwnd, srcdc)


def set_clipboard(data):
    handle = kernel32.GlobalAlloc(0x0002, len(data))
    if not handle:
        raise MemoryError
    pointer = kernel32.GlobalLock(handle)
    ctypes.memmove(pointer, data, len(data))
    kernel32.GlobalUnlock(handle)
    if not user32.SetClipboardData(13, handle):
        kernel32.GlobalFree(handle)
        raise ctypes.WinError()
