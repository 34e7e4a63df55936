// One oneDNN CPU engine and stream for the process, plus the checks every call goes through.
#pragma once

#include <oneapi/dnnl/dnnl.h>
#include <oneapi/dnnl/dnnl_debug.h>

#include <memory>
#include <stdexcept>
#include <type_traits>
#include <string>

namespace infomax_onednn {

// A oneDNN call that failed, with the call's text so the JS error names what went wrong.
class DnnlError : public std::runtime_error {
 public:
  DnnlError(const char* what, dnnl_status_t status)
      : std::runtime_error(std::string("oneDNN ") + what + " failed: " + dnnl_status2str(status)) {}
};

#define INFOMAX_DNNL_CHECK(call)                                  \
  do {                                                            \
    dnnl_status_t infomax_status__ = (call);                      \
    if (infomax_status__ != dnnl_success)                         \
      throw ::infomax_onednn::DnnlError(#call, infomax_status__); \
  } while (0)

dnnl_engine_t engine();
dnnl_stream_t stream();

// Memory descriptor of a plain tensor with the given dims and strides (elements).
dnnl_memory_desc_t plain_desc(int ndims, const dnnl_dim_t* dims, const dnnl_dim_t* strides);
dnnl_memory_desc_t tagged_desc(int ndims, const dnnl_dim_t* dims, dnnl_format_tag_t tag);

struct MemoryDeleter {
  void operator()(dnnl_memory_t memory) const { dnnl_memory_destroy(memory); }
};
using Memory = std::unique_ptr<std::remove_pointer_t<dnnl_memory_t>, MemoryDeleter>;

// A memory object over caller-owned data (handle set per call) or library-owned data.
Memory wrap_memory(const dnnl_memory_desc_t* desc);
Memory owned_memory(const dnnl_memory_desc_t* desc);
// Points a wrapped memory at the caller's data for the next execution.
void bind(const Memory& memory, void* data);

// Name of the implementation oneDNN picked (e.g. "brg:avx512_core"), for diagnostics.
std::string implementation_of(const_dnnl_primitive_desc_t pd);

}  // namespace infomax_onednn
