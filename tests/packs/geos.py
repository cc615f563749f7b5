"""GEOS's C API through ctypes, loaded as Shapely 1.8 loads it (`CDLL(find_library("geos_c"))`)."""

import ctypes
import ctypes.util
from ctypes import c_char_p, c_void_p

lgeos = ctypes.CDLL(ctypes.util.find_library("geos_c"))
for _name in ("GEOS_init_r", "GEOSGeom_createPointFromXY_r", "GEOSGeom_clone_r", "GEOSGeomToWKT_r",
              "GEOSGetGeometryN_r", "GEOSGetExteriorRing_r", "GEOSCoordSeq_create_r",
              "GEOSGeom_createLinearRing_r", "GEOSGeom_createPolygon_r", "GEOSWKTReader_create_r",
              "GEOSWKTReader_read_r", "GEOSGeomType_r", "GEOSUnion_r", "GEOSGeomFromWKT",
              "GEOSGeomToWKT", "GEOSGeom_createPointFromXY", "GEOSBuffer", "GEOSUnion"):
    getattr(lgeos, _name).restype = c_void_p
lgeos.GEOSisValidReason.restype = c_char_p  # expect: OWN502:35

ERROR = ctypes.CFUNCTYPE(None, c_char_p, c_void_p)


def on_error(message, data):
    print(message)


# --- INVALID ---------------------------------------------------------------------------


def point_leaks(ctx, x, y):
    point = lgeos.GEOSGeom_createPointFromXY_r(ctx, x, y)  # expect: OWN201:13
    return lgeos.GEOSArea_r(ctx, point, None)


def wkt_freed_as_geometry(ctx, geom):
    text = lgeos.GEOSGeomToWKT_r(ctx, geom)
    value = ctypes.string_at(text)
    lgeos.GEOSGeom_destroy_r(ctx, text)  # expect: OWN104:5
    return value


def part_destroyed(ctx, collection):
    part = lgeos.GEOSGetGeometryN_r(ctx, collection, 0)
    lgeos.GEOSGeom_destroy_r(ctx, part)  # expect: OWN103:5


def ring_after_polygon(ctx, polygon):
    ring = lgeos.GEOSGetExteriorRing_r(ctx, polygon)
    lgeos.GEOSGeom_destroy_r(ctx, polygon)
    return lgeos.GEOSGetNumCoordinates_r(ctx, ring)  # expect: OWN106:47


def ring_destroyed_after_polygon_took_it(ctx):
    seq = lgeos.GEOSCoordSeq_create_r(ctx, 4, 2)
    ring = lgeos.GEOSGeom_createLinearRing_r(ctx, seq)
    polygon = lgeos.GEOSGeom_createPolygon_r(ctx, ring, None, 0)
    lgeos.GEOSGeom_destroy_r(ctx, ring)  # expect: OWN107:5
    return polygon


def union_leaks_plain(a, b):
    union = lgeos.GEOSUnion(a, b)  # expect: OWN201:13
    return lgeos.GEOSArea(union, None)


def geometry_destroyed_twice(wkt):
    geom = lgeos.GEOSGeomFromWKT(wkt)
    if not geom:
        return None
    lgeos.GEOSGeom_destroy(geom)
    lgeos.GEOSGeom_destroy(geom)  # expect: OWN102:5


def reason_as_char_p(geom):
    return lgeos.GEOSisValidReason(geom)  # the owned string leaks (reported at the restype)


def handler_dies(ctx):
    lgeos.GEOSContext_setErrorHandler_r(ctx, ERROR(on_error))  # expect: OWN301:5


# --- VALID -----------------------------------------------------------------------------


def context_round_trip(wkt):
    ctx = lgeos.GEOS_init_r()
    if not ctx:
        raise MemoryError
    try:
        reader = lgeos.GEOSWKTReader_create_r(ctx)
        try:
            geom = lgeos.GEOSWKTReader_read_r(ctx, reader, wkt)
            if not geom:
                return None
            kind = lgeos.GEOSGeomType_r(ctx, geom)
            name = ctypes.string_at(kind)
            lgeos.GEOSFree_r(ctx, kind)
            lgeos.GEOSGeom_destroy_r(ctx, geom)
            return name
        finally:
            lgeos.GEOSWKTReader_destroy_r(ctx, reader)
    finally:
        lgeos.GEOS_finish_r(ctx)


def polygon_owns_its_rings(ctx):
    seq = lgeos.GEOSCoordSeq_create_r(ctx, 4, 2)
    ring = lgeos.GEOSGeom_createLinearRing_r(ctx, seq)
    polygon = lgeos.GEOSGeom_createPolygon_r(ctx, ring, None, 0)
    area = lgeos.GEOSArea_r(ctx, polygon, None)
    lgeos.GEOSGeom_destroy_r(ctx, polygon)  # frees the ring and its sequence too
    return area


def clone_before_destroy(ctx, collection):
    part = lgeos.GEOSGetGeometryN_r(ctx, collection, 0)
    copy = lgeos.GEOSGeom_clone_r(ctx, part)
    lgeos.GEOSGeom_destroy_r(ctx, collection)
    return copy


class Geometry:
    def __init__(self, x, y):
        self._geom = lgeos.GEOSGeom_createPointFromXY(x, y)

    def buffered(self, width):
        return lgeos.GEOSBuffer(self._geom, width, 8)

    def __del__(self):
        if self._geom:
            lgeos.GEOSGeom_destroy(self._geom)
            self._geom = None


def wkt(geom):
    text = lgeos.GEOSGeomToWKT(geom)
    try:
        return ctypes.string_at(text)
    finally:
        lgeos.GEOSFree(text)


_HANDLER = ERROR(on_error)


def handler_kept(ctx):
    lgeos.GEOSContext_setErrorHandler_r(ctx, _HANDLER)
