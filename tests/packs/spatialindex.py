"""libspatialindex's C API through ctypes, loaded as Rtree loads it."""

import ctypes
import ctypes.util
from ctypes import POINTER, byref, c_char, c_double, c_int64, c_uint64, c_void_p

rt = ctypes.CDLL(ctypes.util.find_library("spatialindex_c"))
rt.IndexProperty_Create.restype = c_void_p
rt.Index_GetProperties.restype = c_void_p
rt.Index_Create.restype = c_void_p
rt.Error_GetLastErrorMsg.restype = POINTER(c_char)
rt.SIDX_NewBuffer.restype = c_void_p


def check_return(result, func, cargs):
    if result != 0:
        message = rt.Error_GetLastErrorMsg()
        try:
            text = ctypes.string_at(message)
        finally:
            rt.Index_Free(message)
        raise RuntimeError(text)
    return True


# --- INVALID ---------------------------------------------------------------------------


def property_leaks():
    props = rt.IndexProperty_Create()  # expect: OWN201:13
    rt.IndexProperty_SetDimension(props, 2)
    return rt.Index_Create(props)


def index_used_after_destroy(props):
    index = rt.Index_Create(props)
    if not index:
        return None
    rt.Index_Destroy(index)
    return rt.Index_IsValid(index)  # expect: OWN101:29


def ids_leak(index, mins, maxs):
    ids = POINTER(c_int64)()
    count = c_uint64()
    if rt.Index_Intersects_id(index, mins, maxs, 2, byref(ids), byref(count)) != 0:  # expect: OWN201:8
        raise RuntimeError
    return [ids[i] for i in range(count.value)]


def items_freed_as_ids(index, mins, maxs):
    items = POINTER(c_void_p)()
    count = c_uint64()
    if rt.Index_Intersects_obj(index, mins, maxs, 2, byref(items), byref(count)) != 0:
        raise RuntimeError
    rt.Index_Free(items)  # expect: OWN104:5


def properties_destroyed_twice(index):
    props = rt.Index_GetProperties(index)
    rt.IndexProperty_Destroy(props)
    rt.IndexProperty_Destroy(props)  # expect: OWN102:5


def error_message_leaks():
    message = rt.Error_GetLastErrorMsg()  # expect: OWN201:15
    if not message:
        return None
    return ctypes.string_at(message)


# --- VALID -----------------------------------------------------------------------------


def create_index():
    props = rt.IndexProperty_Create()
    try:
        rt.IndexProperty_SetDimension(props, 2)
        index = rt.Index_Create(props)  # copies the properties
    finally:
        rt.IndexProperty_Destroy(props)
    return index


def intersection(index, bounds):
    mins = (c_double * 2)(bounds[0], bounds[1])
    maxs = (c_double * 2)(bounds[2], bounds[3])
    ids = POINTER(c_int64)()
    count = c_uint64()
    check_return(rt.Index_Intersects_id(index, mins, maxs, 2, byref(ids), byref(count)), None, None)
    try:
        return [ids[i] for i in range(count.value)]
    finally:
        rt.Index_Free(ctypes.cast(ids, POINTER(c_void_p)))


def objects(index, mins, maxs):
    items = POINTER(c_void_p)()
    count = c_uint64()
    if rt.Index_Intersects_obj(index, mins, maxs, 2, byref(items), byref(count)) != 0:
        return []
    try:
        return [rt.IndexItem_GetID(items[i]) for i in range(count.value)]
    finally:
        rt.Index_DestroyObjResults(items, count.value)


def item_data(item):
    data = POINTER(ctypes.c_uint8)()
    length = c_uint64()
    if rt.IndexItem_GetData(item, byref(data), byref(length)) != 0:
        return None
    try:
        return ctypes.string_at(data, length.value)
    finally:
        rt.Index_Free(data)


class Index:
    def __init__(self, props):
        self.handle = rt.Index_Create(props)

    def flush(self):
        rt.Index_Flush(self.handle)

    def close(self):
        if self.handle:
            rt.Index_Destroy(self.handle)
            self.handle = None


def buffer(size):
    buf = rt.SIDX_NewBuffer(size)
    rt.SIDX_DeleteBuffer(buf)
    return size
