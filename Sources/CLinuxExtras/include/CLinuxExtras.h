#ifndef ADUAN_CLINUXEXTRAS_H
#define ADUAN_CLINUXEXTRAS_H

/// syncfs(2): glibc declares it only under _GNU_SOURCE, which Swift's Glibc
/// module does not define, so it is reached through this one wrapper.
int aduan_syncfs(int fd);

#endif
