//! Raw declarations of flinkdbt's C ABI, written by hand from `capi/include/flinkdbt/flinkdbt.h`
//! (ABI version 1). Use the `flinkdbt` crate for a safe API; the header documents ownership and
//! threading for every function here.
#![allow(non_camel_case_types)]

use std::os::raw::{c_char, c_int, c_void};

pub const FLINKDBT_ABI_VERSION: c_int = 1;

pub const FLINKDBT_OK: c_int = 0;
pub const FLINKDBT_ERROR_INVALID_ARGUMENT: c_int = 1;
pub const FLINKDBT_ERROR_NOT_FOUND: c_int = 2;
pub const FLINKDBT_ERROR_FAILED_PRECONDITION: c_int = 3;
pub const FLINKDBT_ERROR_CANCELLED: c_int = 4;
pub const FLINKDBT_ERROR_UNAVAILABLE: c_int = 5;
pub const FLINKDBT_ERROR_INTERNAL: c_int = 6;

/// An error object; its strings are owned by it. Freed with `flinkdbt_error_free`.
#[repr(C)]
#[derive(Debug)]
pub struct flinkdbt_error {
    pub code: c_int,
    pub message: *mut c_char,
    pub file: *mut c_char,
    pub line: c_int,
    pub column: c_int,
}

/// Opaque runner handle.
#[repr(C)]
pub struct flinkdbt_runner {
    _private: [u8; 0],
}

/// Opaque project handle. May be shared by threads: the library serializes calls on one project.
#[repr(C)]
pub struct flinkdbt_project {
    _private: [u8; 0],
}

pub type flinkdbt_event_callback =
    Option<unsafe extern "C" fn(event_json: *const c_char, payload: *mut c_void)>;

extern "C" {
    pub fn flinkdbt_error_free(err: *mut flinkdbt_error);
    pub fn flinkdbt_string_free(s: *mut c_char);
    pub fn flinkdbt_version() -> *const c_char;
    pub fn flinkdbt_abi_version() -> c_int;
    pub fn flinkdbt_runner_new(out: *mut *mut flinkdbt_runner, err: *mut *mut flinkdbt_error) -> c_int;
    pub fn flinkdbt_runner_free(runner: *mut flinkdbt_runner);
    pub fn flinkdbt_runner_set_event_callback(
        runner: *mut flinkdbt_runner,
        callback: flinkdbt_event_callback,
        payload: *mut c_void,
        err: *mut *mut flinkdbt_error,
    ) -> c_int;
    pub fn flinkdbt_runner_set_cwd(
        runner: *mut flinkdbt_runner,
        cwd: *const c_char,
        err: *mut *mut flinkdbt_error,
    ) -> c_int;
    pub fn flinkdbt_runner_setenv(
        runner: *mut flinkdbt_runner,
        name: *const c_char,
        value: *const c_char,
        err: *mut *mut flinkdbt_error,
    ) -> c_int;
    pub fn flinkdbt_runner_invoke(
        runner: *mut flinkdbt_runner,
        argc: c_int,
        argv: *const *const c_char,
        exit_code: *mut c_int,
        result_json: *mut *mut c_char,
        err: *mut *mut flinkdbt_error,
    ) -> c_int;
    pub fn flinkdbt_runner_cancel(runner: *mut flinkdbt_runner, err: *mut *mut flinkdbt_error) -> c_int;
    pub fn flinkdbt_project_open(
        out: *mut *mut flinkdbt_project,
        project_dir: *const c_char,
        profiles_dir: *const c_char,
        target: *const c_char,
        vars: *const c_char,
        err: *mut *mut flinkdbt_error,
    ) -> c_int;
    pub fn flinkdbt_project_free(project: *mut flinkdbt_project);
    pub fn flinkdbt_project_parse(
        project: *mut flinkdbt_project,
        manifest_json: *mut *mut c_char,
        err: *mut *mut flinkdbt_error,
    ) -> c_int;
    pub fn flinkdbt_project_compile(
        project: *mut flinkdbt_project,
        select: *const c_char,
        exclude: *const c_char,
        selector: *const c_char,
        nodes_json: *mut *mut c_char,
        err: *mut *mut flinkdbt_error,
    ) -> c_int;
    pub fn flinkdbt_project_list(
        project: *mut flinkdbt_project,
        select: *const c_char,
        exclude: *const c_char,
        selector: *const c_char,
        nodes_json: *mut *mut c_char,
        err: *mut *mut flinkdbt_error,
    ) -> c_int;
    pub fn flinkdbt_project_render(
        project: *mut flinkdbt_project,
        template_text: *const c_char,
        context_json: *const c_char,
        rendered: *mut *mut c_char,
        err: *mut *mut flinkdbt_error,
    ) -> c_int;
    pub fn flinkdbt_render_template(
        template_text: *const c_char,
        context_json: *const c_char,
        rendered: *mut *mut c_char,
        err: *mut *mut flinkdbt_error,
    ) -> c_int;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn links_and_reports_abi() {
        unsafe {
            assert_eq!(flinkdbt_abi_version(), FLINKDBT_ABI_VERSION);
            assert!(!CStr::from_ptr(flinkdbt_version()).to_bytes().is_empty());
            let mut err: *mut flinkdbt_error = std::ptr::null_mut();
            assert_eq!(flinkdbt_runner_new(std::ptr::null_mut(), &mut err), FLINKDBT_ERROR_INVALID_ARGUMENT);
            assert!(!err.is_null());
            assert_eq!((*err).code, FLINKDBT_ERROR_INVALID_ARGUMENT);
            flinkdbt_error_free(err);
        }
    }

    #[test]
    fn renders_a_template() {
        unsafe {
            let mut out: *mut c_char = std::ptr::null_mut();
            let mut err: *mut flinkdbt_error = std::ptr::null_mut();
            let status = flinkdbt_render_template(
                b"{{ a + 1 }}\0".as_ptr() as *const c_char,
                b"{\"a\": 41}\0".as_ptr() as *const c_char,
                &mut out,
                &mut err,
            );
            assert_eq!(status, FLINKDBT_OK);
            assert!(err.is_null());
            assert_eq!(CStr::from_ptr(out).to_str().unwrap(), "42");
            flinkdbt_string_free(out);
            let mut project: *mut flinkdbt_project = std::ptr::null_mut();
            let status = flinkdbt_project_open(
                &mut project,
                b"/nonexistent/flinkdbt/project\0".as_ptr() as *const c_char,
                std::ptr::null(),
                std::ptr::null(),
                std::ptr::null(),
                &mut err,
            );
            assert_ne!(status, FLINKDBT_OK);
            assert!(project.is_null());
            assert!(!err.is_null());
            flinkdbt_error_free(err);
            flinkdbt_project_free(std::ptr::null_mut());
        }
    }
}
