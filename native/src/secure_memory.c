/* Locked, zeroed memory for the key material the ME holds (MUK, MSK, MTK, Ks_NAF …), outside the V8 heap:
 * never swapped out (mlock), left out of core dumps (MADV_DONTDUMP), zero in a forked child (MADV_WIPEONFORK),
 * and zeroed before the memory goes back anywhere.
 *
 * Keys are 16–32 bytes and there are many of them, so pages are a pool: a slab is one page cut into chunks
 * of one size class (16, 32, …, 2048 bytes), with a bitmap of the chunks handed out kept outside the locked
 * page. A request above the largest class gets a dedicated slab of whole pages. Each chunk goes to JS as an
 * external Buffer whose finalizer zeroes the chunk and returns it; an empty slab is unmapped unless it is
 * the only empty one of its class (kept so one key coming and going does not map and unmap a page each time).
 *
 * secureAlloc(size) -> Buffer       size 0..1 MiB; the bytes are zero. size 0 gives a plain empty Buffer.
 * secureWipe(buf)                   zeroes any Buffer / Uint8Array now (explicit_bzero: not optimised away).
 * secureIsLocked(buf) -> boolean    true when buf lies in a pool page that mlock() accepted.
 * secureMemoryStats() -> { pageSize, pages, lockedPages, chunksInUse, bytesInUse, lockFailures, lastLockError }
 *
 * mlock failing (EPERM / ENOMEM / EAGAIN: RLIMIT_MEMLOCK without CAP_IPC_LOCK) is not an error: the page is
 * used unlocked, counted in lockFailures, and secureIsLocked() says so, so the caller can log it once.
 *
 * Lifetime rules this file relies on (Node 20, N-API 8; Node builds without the V8 sandbox allow external
 * buffers, a build with it answers napi_no_external_buffers_allowed and secureAlloc throws):
 *  - Node calls the finalizer only after V8 dropped the ArrayBuffer's backing store, so a chunk is never
 *    wrapped by two live Buffers; the finalizer runs on the JS thread of the env that made the Buffer, or
 *    from that env's cleanup when a worker or the process ends. It touches only the pool (never napi_env or
 *    JS), so it is safe during teardown. The pool is process-wide and guarded by a mutex because worker
 *    threads load the same addon; it is never torn down while a chunk is out.
 *  - process.exit() ends the process without running those finalizers: an atexit() handler zeroes every
 *    pool page instead (Node has stopped its workers by then).
 *  - The mutex is never held while calling into N-API, so a finalizer run from inside an N-API call cannot
 *    deadlock on it. */
#include "common.h"

#if defined(__linux__)

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <uv.h>

#define MIN_CHUNK_SHIFT 4 /* 16 bytes: one AES-128 key */
#define CLASS_COUNT 8     /* 16 … 2048 */
#define MAX_CHUNK ((size_t)1 << (MIN_CHUNK_SHIFT + CLASS_COUNT - 1))
#define MAX_ALLOC ((size_t)1 << 20)

typedef struct slab {
  struct slab *next, *prev;
  unsigned char *base;
  size_t bytes;     /* length of the mapping: whole pages */
  size_t chunk;     /* chunk size; == bytes for a dedicated slab */
  int cls;          /* size class, -1 for a dedicated slab */
  uint32_t nchunks; /* chunks in the slab */
  uint32_t used;    /* chunks handed out */
  bool locked;
  uint64_t map[];   /* bit set = chunk handed out */
} slab_t;

static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static size_t page_size;
static slab_t *classes[CLASS_COUNT]; /* slabs of each size class */
static unsigned empty_slabs[CLASS_COUNT];
static slab_t *dedicated; /* slabs of one large chunk */
typedef struct {
  size_t pages, locked_pages, chunks, bytes;
  uint64_t lock_failures;
  int last_lock_errno;
} pool_stats_t;
static pool_stats_t stats;

/* Zeroing the compiler may not drop as a dead store. */
static void wipe(void *p, size_t n) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 25))
  explicit_bzero(p, n);
#else
  volatile unsigned char *v = p;
  while (n--) *v++ = 0;
#endif
}

static void wipe_all_at_exit(void) {
  /* Node has stopped every worker before exit(); trylock only so a thread that died holding the lock
   * cannot hang the exit. */
  bool held = pthread_mutex_trylock(&pool_mu) == 0;
  for (int c = 0; c < CLASS_COUNT; c++)
    for (slab_t *s = classes[c]; s != NULL; s = s->next) wipe(s->base, s->bytes);
  for (slab_t *s = dedicated; s != NULL; s = s->next) wipe(s->base, s->bytes);
  if (held) pthread_mutex_unlock(&pool_mu);
}

static void pool_init(void) {
  long ps = sysconf(_SC_PAGESIZE);
  page_size = ps > 0 ? (size_t)ps : 4096;
  atexit(wipe_all_at_exit);
}

static slab_t **list_of(const slab_t *s) { return s->cls < 0 ? &dedicated : &classes[s->cls]; }

/* Maps, advises and locks a new slab and links it into its list. Returns NULL with errno set. */
static slab_t *slab_new(int cls, size_t chunk, size_t bytes) {
  uint32_t nchunks = (uint32_t)(bytes / chunk);
  size_t words = (nchunks + 63) / 64;
  slab_t *s = calloc(1, sizeof *s + words * sizeof(uint64_t));
  if (s == NULL) return NULL;
  void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) {
    int err = errno;
    free(s);
    errno = err;
    return NULL;
  }
  /* Both advices are best effort: an older kernel answers EINVAL and the page is still usable. */
  madvise(mem, bytes, MADV_DONTDUMP);
#ifdef MADV_WIPEONFORK
  madvise(mem, bytes, MADV_WIPEONFORK);
#endif
  if (mlock(mem, bytes) == 0) {
    s->locked = true;
    stats.locked_pages += bytes / page_size;
  } else {
    stats.lock_failures++;
    stats.last_lock_errno = errno;
  }
  s->base = mem;
  s->bytes = bytes;
  s->chunk = chunk;
  s->cls = cls;
  s->nchunks = nchunks;
  stats.pages += bytes / page_size;
  slab_t **list = list_of(s);
  s->next = *list;
  if (*list != NULL) (*list)->prev = s;
  *list = s;
  if (cls >= 0) empty_slabs[cls]++;
  return s;
}

static void slab_release(slab_t *s) {
  slab_t **list = list_of(s);
  if (s->prev != NULL) s->prev->next = s->next;
  else *list = s->next;
  if (s->next != NULL) s->next->prev = s->prev;
  wipe(s->base, s->bytes);
  if (s->locked) {
    munlock(s->base, s->bytes);
    stats.locked_pages -= s->bytes / page_size;
  }
  munmap(s->base, s->bytes);
  stats.pages -= s->bytes / page_size;
  free(s);
}

/* Hands out a zeroed chunk of at least `size` (1..MAX_ALLOC) bytes. Returns 0 or an errno. */
static int pool_alloc(size_t size, slab_t **slab_out, unsigned char **chunk_out) {
  pthread_once(&pool_once, pool_init);
  int cls = -1;
  size_t chunk;
  if (size <= MAX_CHUNK) {
    for (cls = 0, chunk = (size_t)1 << MIN_CHUNK_SHIFT; chunk < size; cls++) chunk <<= 1;
  } else {
    chunk = (size + page_size - 1) / page_size * page_size;
  }

  pthread_mutex_lock(&pool_mu);
  slab_t *s = NULL;
  if (cls >= 0)
    for (s = classes[cls]; s != NULL && s->used == s->nchunks; s = s->next) {
    }
  if (s == NULL) s = slab_new(cls, chunk, cls >= 0 ? page_size : chunk);
  if (s == NULL) {
    int err = errno;
    pthread_mutex_unlock(&pool_mu);
    return err;
  }
  uint32_t index = 0;
  for (size_t w = 0;; w++) {
    if (~s->map[w] != 0) {
      index = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(~s->map[w]));
      break;
    }
  }
  s->map[index / 64] |= (uint64_t)1 << (index % 64);
  if (s->used++ == 0 && cls >= 0) empty_slabs[cls]--;
  stats.chunks++;
  stats.bytes += s->chunk;
  unsigned char *p = s->base + (size_t)index * s->chunk;
  wipe(p, s->chunk); /* zero already (wiped when freed, or fresh from mmap); zeroed again by rule */
  pthread_mutex_unlock(&pool_mu);
  *slab_out = s;
  *chunk_out = p;
  return 0;
}

static void pool_free(slab_t *s, unsigned char *p) {
  pthread_mutex_lock(&pool_mu);
  size_t offset = (size_t)(p - s->base);
  uint32_t index = (uint32_t)(offset / s->chunk);
  uint64_t bit = (uint64_t)1 << (index % 64);
  /* A chunk not handed out (a second finalizer for it would be a bug elsewhere) is left alone. */
  if (offset < s->bytes && offset % s->chunk == 0 && (s->map[index / 64] & bit) != 0) {
    wipe(p, s->chunk);
    s->map[index / 64] &= ~bit;
    stats.chunks--;
    stats.bytes -= s->chunk;
    if (--s->used == 0) {
      if (s->cls < 0 || empty_slabs[s->cls] > 0) slab_release(s);
      else empty_slabs[s->cls]++;
    }
  }
  pthread_mutex_unlock(&pool_mu);
}

/* The slab holding `p`, or NULL; caller holds pool_mu. */
static const slab_t *slab_containing(const void *p) {
  const unsigned char *q = p;
  for (int c = 0; c <= CLASS_COUNT; c++)
    for (const slab_t *s = c < CLASS_COUNT ? classes[c] : dedicated; s != NULL; s = s->next)
      if (q >= s->base && q < s->base + s->bytes) return s;
  return NULL;
}

static void finalize_chunk(napi_env env, void *data, void *hint) { pool_free(hint, data); }

static bool arg_size(napi_env env, napi_value v, size_t *out) {
  napi_valuetype t;
  double d;
  if (napi_typeof(env, v, &t) != napi_ok) return false;
  if (t == napi_number && napi_get_value_double(env, v, &d) == napi_ok && d > (double)MAX_ALLOC) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "The \"size\" argument must be at most 1048576 (1 MiB): secure memory is for keys");
    return false;
  }
  if (t != napi_number || !(d >= 0) || d != (double)(size_t)d) {
    bcastd_throw_arg(env, "ERR_INVALID_ARG_TYPE", "The \"size\" argument must be a non-negative integer");
    return false;
  }
  *out = (size_t)d;
  return true;
}

static bool arg_bytes(napi_env env, napi_callback_info info, void **data, size_t *len) {
  size_t argc = 1;
  napi_value argv[1];
  bool is_buffer = false;
  BCASTD_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL), false);
  if (argc < 1 || napi_is_buffer(env, argv[0], &is_buffer) != napi_ok || !is_buffer) {
    bcastd_throw_arg(env, "ERR_INVALID_ARG_TYPE", "The \"buffer\" argument must be a Buffer or Uint8Array");
    return false;
  }
  return napi_get_buffer_info(env, argv[0], data, len) == napi_ok;
}

static napi_value js_secure_alloc(napi_env env, napi_callback_info info) {
  size_t argc = 1, size;
  napi_value argv[1], result;
  BCASTD_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL), NULL);
  if (argc < 1) return bcastd_throw_arg(env, "ERR_MISSING_ARGS", "The \"size\" argument must be specified");
  if (!arg_size(env, argv[0], &size)) return NULL;
  if (size == 0) {
    /* nothing to protect; an external buffer must not be empty with a chunk behind it */
    BCASTD_CALL(env, napi_create_buffer(env, 0, NULL, &result), NULL);
    return result;
  }
  slab_t *s = NULL;
  unsigned char *p = NULL;
  int err = pool_alloc(size, &s, &p);
  if (err != 0) return bcastd_throw_errno(env, err, "mmap", NULL);
  napi_status status = napi_create_external_buffer(env, size, p, finalize_chunk, s, &result);
  if (status == napi_ok) return result;
  if (status == napi_no_external_buffers_allowed) {
    /* no finalizer was registered: the chunk goes back here */
    pool_free(s, p);
    napi_throw_error(env, "ERR_BCASTD_NATIVE_UNSUPPORTED",
                     "bcastd native addon: secureAlloc needs external buffers, which this Node build (V8 sandbox) forbids");
    return NULL;
  }
  /* Any other failure: Node may still run the finalizer for a Buffer it half made, so the chunk is left
   * to it rather than freed twice. */
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && !pending)
    napi_throw_error(env, NULL, "bcastd native addon: secureAlloc could not create the Buffer");
  return NULL;
}

static napi_value js_secure_wipe(napi_env env, napi_callback_info info) {
  void *data;
  size_t len;
  if (!arg_bytes(env, info, &data, &len)) return NULL;
  if (len > 0) wipe(data, len);
  return NULL;
}

static napi_value js_secure_is_locked(napi_env env, napi_callback_info info) {
  void *data;
  size_t len;
  if (!arg_bytes(env, info, &data, &len)) return NULL;
  pthread_mutex_lock(&pool_mu);
  const slab_t *s = len > 0 ? slab_containing(data) : NULL;
  bool locked = s != NULL && s->locked;
  pthread_mutex_unlock(&pool_mu);
  napi_value result;
  BCASTD_CALL(env, napi_get_boolean(env, locked, &result), NULL);
  return result;
}

static napi_value js_secure_memory_stats(napi_env env, napi_callback_info info) {
  pthread_once(&pool_once, pool_init);
  pthread_mutex_lock(&pool_mu);
  pool_stats_t now = stats;
  pthread_mutex_unlock(&pool_mu);
  napi_value obj, v;
  BCASTD_CALL(env, napi_create_object(env, &obj), NULL);
  if (!bcastd_set_int(env, obj, "pageSize", (int64_t)page_size) || !bcastd_set_int(env, obj, "pages", (int64_t)now.pages) ||
      !bcastd_set_int(env, obj, "lockedPages", (int64_t)now.locked_pages) ||
      !bcastd_set_int(env, obj, "chunksInUse", (int64_t)now.chunks) ||
      !bcastd_set_int(env, obj, "bytesInUse", (int64_t)now.bytes) ||
      !bcastd_set_int(env, obj, "lockFailures", (int64_t)now.lock_failures))
    return NULL;
  if (now.last_lock_errno != 0) {
    if (!bcastd_set_string(env, obj, "lastLockError", uv_err_name(-now.last_lock_errno))) return NULL;
  } else {
    BCASTD_CALL(env, napi_get_null(env, &v), NULL);
    BCASTD_CALL(env, napi_set_named_property(env, obj, "lastLockError", v), NULL);
  }
  return obj;
}

napi_status bcastd_register_secure_memory(napi_env env, napi_value exports) {
  return bcastd_export_fn(env, exports, "secureAlloc", js_secure_alloc) &&
                 bcastd_export_fn(env, exports, "secureWipe", js_secure_wipe) &&
                 bcastd_export_fn(env, exports, "secureIsLocked", js_secure_is_locked) &&
                 bcastd_export_fn(env, exports, "secureMemoryStats", js_secure_memory_stats)
             ? napi_ok
             : napi_generic_failure;
}

#else /* mlock/madvise semantics are only built and tested on Linux */

napi_status bcastd_register_secure_memory(napi_env env, napi_value exports) { return napi_ok; }

#endif
