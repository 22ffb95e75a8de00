//! A short line diff of a block: what `check` shows so that the reader sees what changed without running `write`.

/// The lines removed (`-`) and added (`+`) between `old` and `new`, from a longest common subsequence, at most
/// `limit` of them (then how many more there are).
pub fn short(old: &[&str], new: &[String], limit: usize) -> Vec<String> {
    let (n, m) = (old.len(), new.len());
    // lcs[i][j]: the longest common subsequence of old[i..] and new[j..].
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if old[i] == new[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let mut changes = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && old[i] == new[j] {
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] > lcs[i + 1][j]) {
            changes.push(format!("+{}", new[j]));
            j += 1;
        } else {
            changes.push(format!("-{}", old[i]));
            i += 1;
        }
    }
    if changes.len() > limit {
        let more = changes.len() - limit;
        changes.truncate(limit);
        changes.push(format!("... and {more} more changed line(s)"));
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_removed_and_added_lines() {
        let new: Vec<String> = ["a", "B", "c", "d"].iter().map(|s| s.to_string()).collect();
        assert_eq!(short(&["a", "b", "c"], &new, 10), ["-b", "+B", "+d"]);
        assert_eq!(short(&["a", "b", "c"], &new, 1), ["-b", "... and 2 more changed line(s)"]);
        assert!(short(&["a"], &["a".to_string()], 10).is_empty());
    }
}
