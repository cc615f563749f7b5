"""libvlc through ctypes (find_library("vlc"), as python-vlc does): reference-counted
instances, media and players (new, retain, release), lists released by their own function,
strings freed with libvlc_free or free(), borrowed event managers, kept event callbacks."""

import ctypes
import ctypes.util

dll = ctypes.CDLL(ctypes.util.find_library("vlc"))
libc = ctypes.CDLL(ctypes.util.find_library("c"))
for_restype = ctypes.c_void_p
dll.libvlc_new.restype = for_restype
dll.libvlc_media_new_path.restype = for_restype
dll.libvlc_media_new_location.restype = for_restype
dll.libvlc_media_player_new_from_media.restype = for_restype
dll.libvlc_media_player_new.restype = for_restype
dll.libvlc_media_list_new.restype = for_restype
dll.libvlc_media_list_player_new.restype = for_restype
dll.libvlc_media_list_item_at_index.restype = for_restype
dll.libvlc_media_get_mrl.restype = for_restype
dll.libvlc_video_get_aspect_ratio.restype = for_restype
dll.libvlc_media_player_event_manager.restype = for_restype
dll.libvlc_audio_output_list_get.restype = for_restype
dll.libvlc_get_version.restype = for_restype
Callback = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)
MediaPlayerEndReached = 265


# INVALID


def instance_leaks():
    inst = dll.libvlc_new(0, None)  # expect: OWN201:12
    return dll.libvlc_audio_output_list_get(inst) is not None  # expect: OWN201:12


def media_released_twice(inst, path):
    media = dll.libvlc_media_new_path(inst, path)
    player = dll.libvlc_media_player_new_from_media(media)
    dll.libvlc_media_release(media)
    dll.libvlc_media_release(media)  # expect: OWN102:5
    dll.libvlc_media_player_release(player)


def mrl_leaks(media):
    mrl = dll.libvlc_media_get_mrl(media)  # expect: OWN201:11
    return ctypes.string_at(mrl)


def wrong_release(inst):
    player = dll.libvlc_media_player_new(inst)
    dll.libvlc_media_release(player)  # expect: OWN104:5


def item_leaks(media_list):
    item = dll.libvlc_media_list_item_at_index(media_list, 0)  # expect: OWN201:12
    return dll.libvlc_media_get_duration(item)


def event_manager_after_release(inst):
    player = dll.libvlc_media_player_new(inst)
    em = dll.libvlc_media_player_event_manager(player)
    dll.libvlc_media_player_release(player)
    dll.libvlc_event_detach(em, MediaPlayerEndReached, None, None)  # expect: OWN106:29


def version_freed():
    dll.libvlc_free(dll.libvlc_get_version())  # expect: OWN103:5


def temporary_event_callback(player, func):
    em = dll.libvlc_media_player_event_manager(player)
    dll.libvlc_event_attach(em, MediaPlayerEndReached, Callback(func), None)  # expect: OWN301:5


# VALID


def play(path):
    inst = dll.libvlc_new(0, None)
    if not inst:
        raise RuntimeError("libvlc_new")
    try:
        media = dll.libvlc_media_new_path(inst, path)
        player = dll.libvlc_media_player_new_from_media(media)
        dll.libvlc_media_release(media)
        dll.libvlc_media_player_play(player)
        dll.libvlc_media_player_release(player)
    finally:
        dll.libvlc_release(inst)


class Holder:
    def __init__(self, inst):
        dll.libvlc_retain(inst)
        self.inst = inst

    def close(self):
        dll.libvlc_release(self.inst)
        self.inst = None


def mrl(media):
    p = dll.libvlc_media_get_mrl(media)
    if not p:
        return None
    text = ctypes.string_at(p)
    dll.libvlc_free(p)
    return text


def aspect_ratio(player):
    p = dll.libvlc_video_get_aspect_ratio(player)
    if not p:
        return None
    text = ctypes.string_at(p)
    libc.free(p)
    return text


def outputs(inst):
    lst = dll.libvlc_audio_output_list_get(inst)
    if lst:
        dll.libvlc_audio_output_list_release(lst)


def playlist(inst, paths):
    media_list = dll.libvlc_media_list_new(inst)
    for path in paths:
        media = dll.libvlc_media_new_location(inst, path)
        dll.libvlc_media_list_add_media(media_list, media)
        dll.libvlc_media_release(media)
    player = dll.libvlc_media_list_player_new(inst)
    dll.libvlc_media_list_player_set_media_list(player, media_list)
    dll.libvlc_media_list_release(media_list)
    return player


class Player:
    def __init__(self, inst, func):
        self.player = dll.libvlc_media_player_new(inst)
        self._callback = Callback(func)
        em = dll.libvlc_media_player_event_manager(self.player)
        dll.libvlc_event_attach(em, MediaPlayerEndReached, self._callback, None)

    def release(self):
        if self.player:
            dll.libvlc_media_player_release(self.player)
            self.player = None
