#pragma once
// Readers of web server access logs, one request a line: nginx's `combined` format
//   $remote_addr - $remote_user [$time_local] "$request" $status $bytes "$referer" "$user_agent"
// and the AWS Application Load Balancer's format
//   type time elb client:port target:port t1 t2 t3 status tstatus rx tx "request" "agent" ...
// Logs carry no bodies: requests are placed by their path, query and (nginx) $remote_user.

#include <memory>
#include <string>

#include "capture/byte_source.h"
#include "stampede/capture/capture_reader.h"

namespace stampede::capture {

std::unique_ptr<CaptureReader> makeAccessLogReader(std::unique_ptr<ByteSource> source,
                                                   std::string file, const ReaderOptions& options,
                                                   CaptureFormat format);

}  // namespace stampede::capture
