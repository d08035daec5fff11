// send and recv, the calls every byte of a stream goes through, on the plain C API: the
// A/B of the node-addon-api rewrite (bench/RESULTS.md) showed the wrapper costing these
// two measurable time per call, so they skip it. Same contract as syscalls.cc: the
// caller's Buffer is read or filled directly, EINTR is retried, every send carries
// MSG_NOSIGNAL (a write to a closed peer gives EPIPE, not SIGPIPE).
#include <sys/socket.h>
#include <cerrno>
#include "c_args.h"
#include "env_state.h"

namespace erlsock {
namespace {

// A byte count fits an int32: the range checked against the view is at most INT32_MAX.
napi_value Recv(napi_env env, napi_callback_info info) {
  c_api::IoArgs a;
  if (!c_api::get_io_args(env, info, &a)) return nullptr;
  ssize_t r;
  do r = recv(a.fd, a.p, a.n, a.flags);
  while (r < 0 && errno == EINTR);
  return c_api::result(env, r, errno);
}

napi_value Send(napi_env env, napi_callback_info info) {
  c_api::IoArgs a;
  if (!c_api::get_io_args(env, info, &a)) return nullptr;
  ssize_t r;
  do r = send(a.fd, a.p, a.n, a.flags | MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  return c_api::result(env, r, errno);
}

// recv_a / send_a: the same calls with the numbers passed through a small Int32Array
// (io_args: fd, off, len, flags in, the result out) and only the Buffer as an argument. Each
// number argument is a napi_get_value_int32 call and the result a napi_create_int32 (with
// V8's Integer::New): a fifth of an echo's Node-API time. The JS side (prim_socket.ts
// recv_at / send_at) writes numbers it has checked; the Buffer and the range are checked
// here as for recv and send.
enum IoSlot { kFd, kOff, kLen, kFlags, kResult, kIoSlots };

// The call's numbers from the slots s, its bytes at offset s[kOff] of [base, base + size):
// the range is checked as recv's and send's are.
bool slots_in(napi_env env, int32_t* s, void* base, size_t size, c_api::IoArgs* a, int32_t** io, const char* outside) {
  int32_t off = s[kOff], len = s[kLen];
  if (off < 0 || len < 0 || static_cast<size_t>(off) + static_cast<size_t>(len) > size) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", outside);
    return false;
  }
  a->fd = s[kFd];
  a->flags = s[kFlags];
  a->p = static_cast<uint8_t*>(base) + off;
  a->n = static_cast<size_t>(len);
  *io = s;
  return true;
}

bool get_slot_args(napi_env env, napi_callback_info info, c_api::IoArgs* a, int32_t** io) {
  napi_value argv[1];
  size_t argc = 1;
  void* data = nullptr;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, &data) != napi_ok) return false;
  if (argc < 1) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "erlsock: too few arguments");
    return false;
  }
  int32_t* s = static_cast<EnvState*>(data)->io_slots;
  napi_typedarray_type type;
  void* base = nullptr;
  size_t size;
  if (napi_get_typedarray_info(env, argv[0], &type, &size, &base, nullptr, nullptr) != napi_ok ||
      type != napi_uint8_array) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "erlsock: expected a Buffer or Uint8Array");
    return false;
  }
  return slots_in(env, s, base, size, a, io, "erlsock: offset/length outside the buffer");
}

// The read slab (sockets/read_slab.ts). Most reads land in one JS ArrayBuffer at a time, and
// an echo writes what it read straight from it. slab_set registers it, once per slab (every
// 32 KiB of small reads); recv_s and send_s then take no argument at all, the offset in the
// io_args slots being the slab's: the slab is reached through the reference held here, an
// ArrayBuffer's data and length costing some 70 instructions where a Buffer argument's
// (napi_get_typedarray_info: the view's type, length and buffer) cost some 250, twice per
// echo (bench/RESULTS.md, echo_instructions). The range is checked against the slab's
// length at every call: a slab detached meanwhile has length 0 and is never written.
napi_value SlabSet(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  size_t argc = 1;
  void* data = nullptr;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, &data) != napi_ok) return nullptr;
  bool is_ab = false;
  if (argc < 1 || napi_is_arraybuffer(env, argv[0], &is_ab) != napi_ok || !is_ab) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "erlsock: slab_set needs an ArrayBuffer");
    return nullptr;
  }
  EnvState* st = static_cast<EnvState*>(data);
  napi_ref ref;
  if (napi_create_reference(env, argv[0], 1, &ref) != napi_ok) return nullptr;
  if (st->slab != nullptr) napi_delete_reference(env, st->slab);
  st->slab = ref;
  return nullptr;
}

bool get_slab_args(napi_env env, napi_callback_info info, c_api::IoArgs* a, int32_t** io) {
  size_t argc = 0;
  void* data = nullptr;
  if (napi_get_cb_info(env, info, &argc, nullptr, nullptr, &data) != napi_ok) return false;
  EnvState* st = static_cast<EnvState*>(data);
  napi_value ab;
  void* base = nullptr;
  size_t size = 0;
  if (st->slab == nullptr || napi_get_reference_value(env, st->slab, &ab) != napi_ok || ab == nullptr ||
      napi_get_arraybuffer_info(env, ab, &base, &size) != napi_ok) {
    napi_throw_error(env, "ERR_INVALID_STATE", "erlsock: no read slab registered (slab_set)");
    return false;
  }
  return slots_in(env, st->io_slots, base, size, a, io, "erlsock: offset/length outside the slab");
}

using GetArgs = bool (*)(napi_env, napi_callback_info, c_api::IoArgs*, int32_t**);

// recv_a / send_a (Get = get_slot_args) and recv_s / send_s (get_slab_args): the call, EINTR
// retried, its result (n or -errno) left in the slots.
template <bool kSend, GetArgs Get>
napi_value SlotIo(napi_env env, napi_callback_info info) {
  c_api::IoArgs a;
  int32_t* io;
  if (!Get(env, info, &a, &io)) return nullptr;
  ssize_t r;
  do r = kSend ? send(a.fd, a.p, a.n, a.flags | MSG_NOSIGNAL) : recv(a.fd, a.p, a.n, a.flags);
  while (r < 0 && errno == EINTR);
  io[kResult] = static_cast<int32_t>(r < 0 ? -errno : r);
  return nullptr;
}

void def_c(Napi::Env env, Napi::Object exports, const char* name, napi_callback cb, void* data = nullptr) {
  napi_value fn;
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, data, &fn));
  exports.Set(name, fn);
}

}  // namespace

void register_hot_io(Napi::Env env, Napi::Object exports, EnvState* st) {
  def_c(env, exports, "recv", Recv);
  def_c(env, exports, "send", Send);
  // The slots live in a JS ArrayBuffer, exported, so they live as long as the exports.
  void* slots = nullptr;
  napi_value ab;
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_arraybuffer(env, kIoSlots * sizeof(int32_t), &slots, &ab));
  exports.Set("io_args", Napi::Value(env, ab));
  st->io_slots = static_cast<int32_t*>(slots);
  def_c(env, exports, "recv_a", SlotIo<false, get_slot_args>, st);
  def_c(env, exports, "send_a", SlotIo<true, get_slot_args>, st);
  def_c(env, exports, "slab_set", SlabSet, st);
  def_c(env, exports, "recv_s", SlotIo<false, get_slab_args>, st);
  def_c(env, exports, "send_s", SlotIo<true, get_slab_args>, st);
}

}  // namespace erlsock
