#ifndef ADUAN_CLINUXEXTRAS_H
#define ADUAN_CLINUXEXTRAS_H

/// sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE): starts writing a file's
/// dirty pages without waiting. glibc declares it only under _GNU_SOURCE,
/// which Swift's Glibc module does not define. Returns 0 or -1 with errno.
int aduan_start_writeback(int fd);

#endif
