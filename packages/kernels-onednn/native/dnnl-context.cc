#include "dnnl-context.h"

namespace infomax_onednn {

dnnl_engine_t engine() {
  // Created on first use and kept for the life of the process: primitives cached against it
  // must never outlive it.
  static dnnl_engine_t instance = [] {
    dnnl_engine_t e = nullptr;
    INFOMAX_DNNL_CHECK(dnnl_engine_create(&e, dnnl_cpu, 0));
    return e;
  }();
  return instance;
}

dnnl_stream_t stream() {
  static dnnl_stream_t instance = [] {
    dnnl_stream_t s = nullptr;
    INFOMAX_DNNL_CHECK(dnnl_stream_create(&s, engine(), dnnl_stream_default_flags));
    return s;
  }();
  return instance;
}

dnnl_memory_desc_t plain_desc(int ndims, const dnnl_dim_t* dims, const dnnl_dim_t* strides) {
  dnnl_memory_desc_t desc;
  INFOMAX_DNNL_CHECK(dnnl_memory_desc_init_by_strides(&desc, ndims, dims, dnnl_f32, strides));
  return desc;
}

dnnl_memory_desc_t tagged_desc(int ndims, const dnnl_dim_t* dims, dnnl_format_tag_t tag) {
  dnnl_memory_desc_t desc;
  INFOMAX_DNNL_CHECK(dnnl_memory_desc_init_by_tag(&desc, ndims, dims, dnnl_f32, tag));
  return desc;
}

Memory wrap_memory(const dnnl_memory_desc_t* desc) {
  dnnl_memory_t memory = nullptr;
  INFOMAX_DNNL_CHECK(dnnl_memory_create(&memory, desc, engine(), DNNL_MEMORY_NONE));
  return Memory(memory);
}

Memory owned_memory(const dnnl_memory_desc_t* desc) {
  dnnl_memory_t memory = nullptr;
  INFOMAX_DNNL_CHECK(dnnl_memory_create(&memory, desc, engine(), DNNL_MEMORY_ALLOCATE));
  return Memory(memory);
}

void bind(const Memory& memory, void* data) { INFOMAX_DNNL_CHECK(dnnl_memory_set_data_handle(memory.get(), data)); }

std::string implementation_of(const_dnnl_primitive_desc_t pd) {
  const char* name = nullptr;
  if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &name) != dnnl_success || name == nullptr) {
    return "unknown";
  }
  return name;
}

}  // namespace infomax_onednn
