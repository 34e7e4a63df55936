#include "weights-reorder.h"

namespace infomax_onednn {

WeightsReorder::WeightsReorder(const dnnl_memory_desc_t& plain, const dnnl_memory_desc_t& wanted, bool plain_is_source)
    : plain_is_source_(plain_is_source) {
  plain_ = wrap_memory(&plain);
  if (dnnl_memory_desc_equal(&plain, &wanted)) return;
  internal_ = owned_memory(&wanted);
  dnnl_primitive_desc_t pd = nullptr;
  const dnnl_memory_desc_t& from = plain_is_source ? plain : wanted;
  const dnnl_memory_desc_t& to = plain_is_source ? wanted : plain;
  INFOMAX_DNNL_CHECK(dnnl_reorder_primitive_desc_create(&pd, &from, engine(), &to, engine(), nullptr));
  dnnl_status_t status = dnnl_primitive_create(&reorder_, pd);
  dnnl_primitive_desc_destroy(pd);
  if (status != dnnl_success) throw DnnlError("dnnl_primitive_create(reorder)", status);
}

WeightsReorder::~WeightsReorder() {
  if (reorder_ != nullptr) dnnl_primitive_destroy(reorder_);
}

void WeightsReorder::bind(void* plain_data) { infomax_onednn::bind(plain_, plain_data); }

void WeightsReorder::run() {
  if (reorder_ == nullptr) return;
  dnnl_exec_arg_t args[2] = {
      {DNNL_ARG_FROM, plain_is_source_ ? plain_.get() : internal_.get()},
      {DNNL_ARG_TO, plain_is_source_ ? internal_.get() : plain_.get()},
  };
  INFOMAX_DNNL_CHECK(dnnl_primitive_execute(reorder_, stream(), 2, args));
}

}  // namespace infomax_onednn
