//! A structural check of Compound File Binary containers (legacy `.xls`) before calamine reads
//! them.
//!
//! Why hand-written: calamine follows sector chains without cycle detection, so a damaged file
//! whose directory chain loops makes it grow a buffer until the process runs out of memory —
//! an abort no `catch_unwind` can turn into an error (found by the fuzz pass). Walking the
//! file allocation table once, with a visited mark per sector, is linear in the file size and
//! rejects exactly those files: every chain must end at ENDOFCHAIN without revisiting a sector.

const FREESECT: u32 = 0xFFFF_FFFF;
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
/// Values at or above this one are markers, not sector ids.
const MAXREGSECT: u32 = 0xFFFF_FFFA;

pub const SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 4)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// `Err(reason)` when the container's sector chains are damaged.
pub fn check(bytes: &[u8]) -> Result<(), String> {
    if bytes.len() < 512 || bytes[..8] != SIGNATURE {
        return Err("not a compound document (bad signature or shorter than its header)".into());
    }
    let shift = u16::from_le_bytes([bytes[30], bytes[31]]);
    if shift != 9 && shift != 12 {
        return Err(format!("sector size 2^{shift} is not 512 or 4096"));
    }
    let size = 1usize << shift;
    let sectors = bytes.len().saturating_sub(size).div_ceil(size);
    let sector = |id: u32| -> Option<&[u8]> {
        let start = (id as usize).checked_add(1)?.checked_mul(size)?;
        bytes.get(start..(start + size).min(bytes.len()))
    };
    let fat_count = u32_at(bytes, 0x2C).unwrap_or(0) as usize;
    let dir_start = u32_at(bytes, 0x30).unwrap_or(ENDOFCHAIN);
    let difat_start = u32_at(bytes, 0x44).unwrap_or(ENDOFCHAIN);

    // FAT sector ids: 109 in the header, the rest in the DIFAT chain.
    let mut fat_sectors: Vec<u32> = (0..109)
        .filter_map(|i| u32_at(bytes, 0x4C + 4 * i))
        .filter(|&id| id < MAXREGSECT)
        .collect();
    let mut seen = vec![false; sectors];
    let mut id = difat_start;
    while id < MAXREGSECT {
        let Some(mark) = seen.get_mut(id as usize) else {
            return Err(format!("DIFAT sector {id} lies beyond the end of the file"));
        };
        if *mark {
            return Err(format!("the DIFAT chain loops at sector {id}"));
        }
        *mark = true;
        let s = sector(id).ok_or_else(|| format!("DIFAT sector {id} is missing"))?;
        let entries = size / 4 - 1;
        fat_sectors.extend(
            (0..entries)
                .filter_map(|i| u32_at(s, 4 * i))
                .filter(|&v| v < MAXREGSECT),
        );
        id = u32_at(s, 4 * entries).unwrap_or(ENDOFCHAIN);
    }
    fat_sectors.truncate(fat_count.max(1).min(fat_sectors.len()));
    let mut fat: Vec<u32> = Vec::with_capacity(fat_sectors.len() * size / 4);
    for &id in &fat_sectors {
        let s =
            sector(id).ok_or_else(|| format!("FAT sector {id} lies beyond the end of the file"))?;
        fat.extend((0..s.len() / 4).filter_map(|i| u32_at(s, 4 * i)));
    }
    if dir_start >= MAXREGSECT || dir_start as usize >= fat.len() {
        return Err(format!(
            "the directory starts at sector {dir_start}, outside the file"
        ));
    }
    // Every chain ends at ENDOFCHAIN (or a free/marker value) without revisiting a sector:
    // 0 = unvisited, 1 = on the current path, 2 = known to end.
    let mut state = vec![0u8; fat.len()];
    let mut path = Vec::new();
    for start in 0..fat.len() {
        if state[start] != 0 {
            continue;
        }
        let mut cur = start;
        loop {
            match state[cur] {
                2 => break,
                1 => return Err(format!("the sector chain through sector {cur} loops")),
                _ => {}
            }
            state[cur] = 1;
            path.push(cur);
            let next = fat[cur];
            if next >= MAXREGSECT || next == FREESECT || next == ENDOFCHAIN {
                break;
            }
            if next as usize >= fat.len() {
                return Err(format!(
                    "sector {cur} points to sector {next}, outside the file"
                ));
            }
            cur = next as usize;
        }
        for p in path.drain(..) {
            state[p] = 2;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal container: header, one FAT sector (sector 0), one directory sector (1).
    fn container(fat: &[u32]) -> Vec<u8> {
        let mut b = vec![0u8; 512 * 3];
        b[..8].copy_from_slice(&SIGNATURE);
        b[30..32].copy_from_slice(&9u16.to_le_bytes());
        b[0x2C..0x30].copy_from_slice(&1u32.to_le_bytes());
        b[0x30..0x34].copy_from_slice(&1u32.to_le_bytes());
        b[0x44..0x48].copy_from_slice(&ENDOFCHAIN.to_le_bytes());
        for i in 0..109 {
            b[0x4C + 4 * i..0x50 + 4 * i].copy_from_slice(&FREESECT.to_le_bytes());
        }
        b[0x4C..0x50].copy_from_slice(&0u32.to_le_bytes());
        for i in 0..128 {
            let v = fat.get(i).copied().unwrap_or(FREESECT);
            b[512 + 4 * i..512 + 4 * i + 4].copy_from_slice(&v.to_le_bytes());
        }
        b
    }

    #[test]
    fn sound_chains_pass_and_loops_fail() {
        assert_eq!(check(&container(&[0xFFFF_FFFD, ENDOFCHAIN])), Ok(()));
        let looped = check(&container(&[0xFFFF_FFFD, 1])).unwrap_err();
        assert!(looped.contains("loops"), "{looped}");
        let outside = check(&container(&[0xFFFF_FFFD, 4000])).unwrap_err();
        assert!(outside.contains("outside"), "{outside}");
        assert!(check(b"not a compound file").is_err());
    }

    #[test]
    fn the_legacy_fixture_passes() {
        let xls = include_bytes!("../../tests/data/legacy.xls");
        assert_eq!(check(xls), Ok(()));
    }
}
