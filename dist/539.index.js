export const id = 539;
export const ids = [539];
export const modules = {

/***/ 7539:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   run: () => (/* binding */ run)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3218);

async function run() {
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq('token: not yet');
}


/***/ })

};
