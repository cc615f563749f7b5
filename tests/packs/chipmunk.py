"""Chipmunk2D through a compiled cffi module, imported as pymunk does."""

from ._chipmunk_cffi import ffi, lib

_handles = []


# INVALID

def body_leak(mass, moment):
    body = lib.cpBodyNew(mass, moment)  # expect: OWN201:12
    lib.cpBodySetPosition(body, (0, 0))
    return mass


def shape_freed_twice(body):
    shape = lib.cpCircleShapeNew(body, 1.0, (0, 0))
    lib.cpShapeFree(shape)
    lib.cpShapeFree(shape)  # expect: OWN102:5


def body_used_after_free(space):
    body = lib.cpBodyNew(1.0, 1.0)
    lib.cpBodyFree(body)
    lib.cpSpaceAddBody(space, body)  # expect: OWN101:31


def hasty_space_freed_as_space():
    space = lib.cpHastySpaceNew()
    lib.cpSpaceFree(space)  # expect: OWN104:5


def simplified_leak(line):
    simplified = lib.cpPolylineSimplifyCurves(line, 0.5)  # expect: OWN201:18
    return [(simplified.verts[i].x, simplified.verts[i].y) for i in range(simplified.count)]


def user_data_dropped(body, value):
    lib.cpBodySetUserData(body, ffi.new_handle(value))  # expect: OWN302:5


# VALID

def add_and_free(space):
    body = lib.cpSpaceAddBody(space, lib.cpBodyNew(1.0, 1.0))
    shape = lib.cpSpaceAddShape(space, lib.cpCircleShapeNew(body, 1.0, (0, 0)))
    lib.cpSpaceStep(space, 0.1)
    lib.cpSpaceRemoveShape(space, shape)
    lib.cpSpaceRemoveBody(space, body)
    lib.cpShapeFree(shape)
    lib.cpBodyFree(body)


def managed_body(mass, moment):
    return ffi.gc(lib.cpBodyNew(mass, moment), lib.cpBodyFree)


def simplified(line):
    result = lib.cpPolylineSimplifyCurves(line, 0.5)
    try:
        return [(result.verts[i].x, result.verts[i].y) for i in range(result.count)]
    finally:
        lib.cpPolylineFree(result)


def user_data_kept(body, value):
    handle = ffi.new_handle(value)
    _handles.append(handle)
    lib.cpBodySetUserData(body, handle)
